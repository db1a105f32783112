import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteDatabase } from '@app/event-store';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { CommandsModule } from '../commands/commands.module';
import type { CommandMeta } from '../commands/command-meta';
import { ApiKeys, type KeyRequest } from './api-keys';
import { KeyStore } from './key-store.port';
import { MongoKeyStore } from './mongodb-key-store';
import { SqliteKeyStore } from './sqlite-key-store';

/** The key store beside the read models: MongoDB in production, DATA_DIR/access.sqlite embedded. */
export async function openKeyStore(config: AppConfig): Promise<KeyStore> {
  if (config.readStore.kind === 'mongodb') {
    return MongoKeyStore.connect(config.readStore.url, config.readStore.database);
  }
  return new SqliteKeyStore(openSqliteDatabase(join(config.dataDir, 'access.sqlite')));
}

/** The file the first start writes the admin key it made to, readable by its owner only. */
export const ADMIN_KEY_FILE = 'admin-api-key';

const BOOTSTRAP_KEY: KeyRequest = {
  name: 'admin (bootstrap)',
  roles: ['admin'],
  commands: false,
  actOnBehalf: false,
  personalData: false,
};

/** Metadata of what the start-up itself records: the service acting as `system`. */
const systemMeta = (): CommandMeta => ({
  actor: 'system',
  correlationId: crypto.randomUUID(),
  commandId: crypto.randomUUID(),
});

/**
 * Makes sure someone can administer the service once it starts: ADMIN_API_KEY is an admin key's secret (issued
 * at the first start that sees it); without it, the first start on an empty key store issues an admin key,
 * prints it once to the log and writes it to DATA_DIR/admin-api-key (mode 0600).
 */
@Injectable()
export class AccessBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Access');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeys,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.adminApiKey;
    if (secret !== undefined) {
      const known = await this.keys.bySecret(secret);
      if (!known?.active) {
        const issued = await this.keys.issue(
          { ...BOOTSTRAP_KEY, name: 'admin (ADMIN_API_KEY)' },
          systemMeta(),
          secret,
        );
        this.logger.log(`ADMIN_API_KEY is admin key ${issued.key.keyId}`);
      } else if (known.revokedAt !== null) {
        this.logger.warn(
          `ADMIN_API_KEY names key ${known.keyId}, which was revoked: it authenticates nothing`,
        );
      }
      return;
    }
    const issued = await this.keys.issueFirst(BOOTSTRAP_KEY, systemMeta());
    if (!issued) return;
    const file = join(this.config.dataDir, ADMIN_KEY_FILE);
    if (!existsSync(file)) writeFileSync(file, `${issued.secret}\n`, { mode: 0o600 });
    // The one time a secret is logged: the key that lets an operator in, on the first start only.
    this.logger.log(
      `first start: created admin key ${issued.key.keyId} (written to ${file}): ${issued.secret}`,
    );
  }
}

@Injectable()
class KeyStoreLifecycle implements OnApplicationShutdown {
  constructor(private readonly keys: KeyStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.keys.close();
  }
}

/** API keys: the key store, the use cases, and the admin key of a first start. */
@Module({
  imports: [CommandsModule],
  providers: [
    { provide: KeyStore, inject: [APP_CONFIG], useFactory: openKeyStore },
    ApiKeys,
    AccessBootstrap,
    KeyStoreLifecycle,
  ],
  exports: [ApiKeys],
})
export class AccessModule {}

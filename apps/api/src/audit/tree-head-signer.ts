import { APP_CONFIG, type AppConfig } from '@app/application';
import { type SigningKey, type TreeHead, loadOrCreateSigningKey, signTreeHead } from '@app/event-store';
import { MerkleTreeReader, ReadStore, latestTreeHead, treeHeadChange } from '@app/read-models';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';

/**
 * Signs tree heads with the key of SIGNING_KEY_FILE (made on first start), which lives outside the data
 * directory: whoever can rewrite the log cannot sign a tree head for the rewritten one. It runs in the API
 * process, the one that holds the key; the tree itself is kept in the read store by whatever runs the
 * projections (this process, its projection thread, or a projector beside EventStoreDB), so every store gets
 * the same tree heads.
 *
 * A tree head is issued on request (GET /audit/tree-head) and at least every TREE_HEAD_INTERVAL_MS while the
 * log grows; each is kept in the read store, so that a restart answers the last one rather than signing again.
 */
@Injectable()
export class TreeHeadSigner implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TreeHeads');
  private signingKey: SigningKey | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** One issue at a time: two requests on a grown tree get one new tree head. */
  private issuing: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: ReadStore,
  ) {}

  onModuleInit(): void {
    this.signingKey = loadOrCreateSigningKey(this.config.signingKeyFile);
    if (this.signingKey.created) {
      this.logger.log(
        `created the signing key of tree heads ${this.signingKey.keyId} in ${this.config.signingKeyFile}: ` +
          'keep it outside the data directory, and back it up',
      );
    }
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.current().catch((error: unknown) =>
        this.logger.error(`no tree head signed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, this.config.treeHeadIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // The stores close next: let a tree head being issued be written first.
    await this.issuing.catch(() => undefined);
  }

  get key(): SigningKey {
    if (!this.signingKey) throw new Error('the signing key is not loaded yet');
    return this.signingKey;
  }

  /** The tree head of the tree as it stands: the last one issued, or a new one when the tree grew since. */
  current(): Promise<TreeHead> {
    const issued = this.issuing.then(
      () => this.issue(),
      () => this.issue(),
    );
    this.issuing = issued.catch(() => undefined);
    return issued;
  }

  private async issue(): Promise<TreeHead> {
    const key = this.key;
    const { size, root, latest } = await this.store.snapshot(async (docs) => {
      const tree = new MerkleTreeReader(docs);
      return { size: await tree.size(), root: await tree.root(), latest: await latestTreeHead(docs) };
    });
    // One signed by another key (the key was replaced) is signed again, for the public key served now.
    if (latest && latest.treeSize >= size && latest.keyId === key.keyId) return latest;
    const head = signTreeHead(key, size, root, new Date());
    await this.store.commit({ changes: [treeHeadChange(head)], checkpoints: [] });
    return head;
  }
}

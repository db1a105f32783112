import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { MIN_SECRET_LENGTH } from '../access/secrets';
import { type EdgeConfig, edgeConfigOf } from './edge-config';
import { type Env, integerSettings } from './settings';

/** The service's settings, read from the environment once at start. */
export interface AppConfig {
  /** TCP port to listen on (PORT, default 3000; 0 picks a free one). */
  readonly port: number;
  /** Interface to listen on (HOST, default 0.0.0.0). */
  readonly host: string;
  /** Where the embedded store keeps its files (DATA_DIR, default ./data). */
  readonly dataDir: string;
  /** Largest request body accepted, in bytes (BODY_LIMIT, default 65536). */
  readonly bodyLimit: number;
  /** Create a deal automatically when a lead is qualified (AUTO_CREATE_DEALS, default true). */
  readonly autoCreateDeals: boolean;
  /** How long a query with minPosition waits for the read models before answering 503 (READ_WAIT_MS, default 5000). */
  readonly readWaitMs: number;
  /** Where events live: the embedded SQLite file, or EventStoreDB (EVENT_STORE, EVENTSTORE_URL). */
  readonly eventStore: { readonly kind: 'sqlite' } | { readonly kind: 'eventstoredb'; readonly url: string };
  /** Where read models live: the embedded SQLite file, or MongoDB (READ_STORE, MONGODB_URL, MONGODB_DB). */
  readonly readStore:
    | { readonly kind: 'sqlite' }
    | { readonly kind: 'mongodb'; readonly url: string; readonly database: string };
  /** Run the projections and the automation in this process (RUN_PROJECTIONS, default true). */
  readonly runProjections: boolean;
  /**
   * With runProjections, run them on a worker thread of this process, with connections of their own, so that
   * folding and writing read models does not take turns with HTTP (PROJECTION_THREAD, default true; the built
   * service only: from TypeScript sources they run on the main thread).
   */
  readonly projectionThread: boolean;
  /** How often log followers look for events written by other processes (POLL_INTERVAL_MS, default 200). */
  readonly pollIntervalMs: number;
  /**
   * Events between two snapshots of the read models that "as of" reports fold from (AS_OF_SNAPSHOT_EVERY,
   * default 250): an as-of report folds at most about this many events after its snapshot.
   */
  readonly asOfSnapshotEvery: number;
  /** The least severe log lines written (LOG_LEVEL: trace, debug, info, warn, error, fatal, silent; default info). */
  readonly logLevel: LogLevelName;
  /** JSON lines, or coloured lines for a person at a terminal (LOG_FORMAT: json or pretty; default json). */
  readonly logFormat: 'json' | 'pretty';
  /** GET /health/ready is 503 while a projection is more events than this behind the log (READY_MAX_LAG, default 1000). */
  readonly readyMaxLag: number;
  /**
   * The secret of an admin API key that exists from the start (ADMIN_API_KEY, at least 32 characters): issued
   * by the first start that sees it. Without it, the first start on an empty key store makes an admin key and
   * writes it to DATA_DIR/admin-api-key.
   */
  readonly adminApiKey?: string;
  /** Rate limits, CORS, trusted proxies and HTTP timeouts (edge-config.ts). */
  readonly edge: EdgeConfig;
  /**
   * The master key that wraps every person's data key (MASTER_KEY_FILE, default DATA_DIR-keys/master.key): 32
   * random bytes, created on first start when absent. It must live outside the data directory, so that a copy
   * of the data directory alone reads no personal data.
   */
  readonly masterKeyFile: string;
  /**
   * The Ed25519 key that signs tree heads (SIGNING_KEY_FILE, default DATA_DIR-keys/signing.key, PKCS#8 PEM),
   * created on first start when absent; outside the data directory, so that whoever can write the log cannot
   * sign a tree head for an altered one.
   */
  readonly signingKeyFile: string;
  /** While the log grows, a signed tree head is made at least this often (TREE_HEAD_INTERVAL_MS, default 60000). */
  readonly treeHeadIntervalMs: number;
  /**
   * The built dashboard page served at / (WEB_DIR; default: apps/web/build of the installation, which
   * `npm run build` writes).
   */
  readonly webDir?: string;
}

export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks every setting; a bad value stops the start with a message naming it. */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];

  const integer = integerSettings(env, problems);
  const text = (name: string, fallback: string): string => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    if (raw.trim() === '') {
      problems.push(`${name} must not be empty (leave it unset for the default "${fallback}")`);
      return fallback;
    }
    return raw;
  };

  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
    return fallback;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  };

  const dataDir = resolve(text('DATA_DIR', './data'));
  const keyDir = join(dirname(dataDir), `${basename(dataDir)}-keys`);
  const keyFile = (name: string, fallback: string): string => {
    const file = resolve(text(name, join(keyDir, fallback)));
    const inside = relative(dataDir, file);
    if (!inside.startsWith('..') && !isAbsolute(inside)) {
      problems.push(`${name} must be outside the data directory (DATA_DIR=${dataDir}), got ${file}`);
    }
    return file;
  };

  const config: AppConfig = {
    port: integer('PORT', 3000, 0, 65535),
    host: text('HOST', '0.0.0.0'),
    dataDir,
    bodyLimit: integer('BODY_LIMIT', 65536, 1024, 16 * 1024 * 1024),
    autoCreateDeals: flag('AUTO_CREATE_DEALS', true),
    readWaitMs: integer('READ_WAIT_MS', 5000, 0, 60000),
    eventStore: eventStoreOf(env, problems),
    readStore: readStoreOf(env, problems),
    runProjections: flag('RUN_PROJECTIONS', true),
    projectionThread: flag('PROJECTION_THREAD', true),
    pollIntervalMs: integer('POLL_INTERVAL_MS', 200, 10, 60000),
    asOfSnapshotEvery: integer('AS_OF_SNAPSHOT_EVERY', 250, 1, 1_000_000),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVEL_NAMES, 'info'),
    logFormat: oneOf('LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
    readyMaxLag: integer('READY_MAX_LAG', 1000, 0, 1_000_000_000),
    ...adminApiKeyOf(env, problems),
    edge: edgeConfigOf(env, problems),
    masterKeyFile: keyFile('MASTER_KEY_FILE', 'master.key'),
    signingKeyFile: keyFile('SIGNING_KEY_FILE', 'signing.key'),
    treeHeadIntervalMs: integer('TREE_HEAD_INTERVAL_MS', 60000, 100, 86_400_000),
    ...(env['WEB_DIR'] === undefined ? {} : { webDir: resolve(text('WEB_DIR', 'apps/web/build')) }),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** ADMIN_API_KEY, checked like a secret the service would make: long enough, and only what a header can carry. */
function adminApiKeyOf(env: Env, problems: string[]): Pick<AppConfig, 'adminApiKey'> {
  const secret = env['ADMIN_API_KEY'];
  if (secret === undefined || secret === '') return {};
  if (secret.length < MIN_SECRET_LENGTH || secret.length > 512 || !/^[\x21-\x7e]+$/.test(secret)) {
    // Never the value itself: it is a secret.
    problems.push(
      `ADMIN_API_KEY must be ${MIN_SECRET_LENGTH} to 512 printable ASCII characters without spaces (a random secret)`,
    );
    return {};
  }
  return { adminApiKey: secret };
}

function eventStoreOf(env: Env, problems: string[]): AppConfig['eventStore'] {
  const kind = env['EVENT_STORE'] || 'sqlite';
  if (kind === 'sqlite') return { kind };
  if (kind !== 'eventstoredb') {
    problems.push(`EVENT_STORE must be sqlite or eventstoredb, got "${kind}"`);
    return { kind: 'sqlite' };
  }
  const url = env['EVENTSTORE_URL'];
  if (!url || !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb):\/\//.test(url)) {
    problems.push(
      'EVENTSTORE_URL must be an EventStoreDB connection string such as esdb://localhost:2113?tls=false',
    );
    return { kind: 'sqlite' };
  }
  return { kind, url };
}

function readStoreOf(env: Env, problems: string[]): AppConfig['readStore'] {
  const kind = env['READ_STORE'] || 'sqlite';
  if (kind === 'sqlite') return { kind };
  if (kind !== 'mongodb') {
    problems.push(`READ_STORE must be sqlite or mongodb, got "${kind}"`);
    return { kind: 'sqlite' };
  }
  const url = env['MONGODB_URL'];
  if (!url || !/^mongodb(\+srv)?:\/\//.test(url)) {
    problems.push(
      'MONGODB_URL must be a MongoDB connection string such as mongodb://localhost:27017/?replicaSet=rs0',
    );
    return { kind: 'sqlite' };
  }
  const database = env['MONGODB_DB'] || 'sales_pipeline';
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(database)) {
    problems.push(`MONGODB_DB must be a database name (letters, digits, _ and -), got "${database}"`);
  }
  return { kind, url, database };
}

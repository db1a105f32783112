import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('data'),
      bodyLimit: 65536,
      autoCreateDeals: true,
      readWaitMs: 5000,
      eventStore: { kind: 'sqlite' },
      readStore: { kind: 'sqlite' },
      runProjections: true,
      projectionThread: true,
      pollIntervalMs: 200,
      asOfSnapshotEvery: 250,
      logLevel: 'info',
      logFormat: 'json',
      readyMaxLag: 1000,
      masterKeyFile: resolve('data-keys/master.key'),
      signingKeyFile: resolve('data-keys/signing.key'),
      treeHeadIntervalMs: 60000,
      edge: {
        rateLimitPerKey: 200_000,
        rateLimitPerAddress: 200_000,
        rateLimitWindowMs: 10_000,
        corsOrigins: [],
        trustProxy: [],
        requestTimeoutMs: 30_000,
        headersTimeoutMs: 10_000,
        keepAliveTimeoutMs: 72_000,
        connectionTimeoutMs: 0,
      },
    });
  });

  it('keeps the key files beside the data directory, and refuses them inside it', () => {
    expect(loadConfig({ DATA_DIR: 'var/pipeline' })).toMatchObject({
      masterKeyFile: resolve('var/pipeline-keys/master.key'),
      signingKeyFile: resolve('var/pipeline-keys/signing.key'),
    });
    expect(loadConfig({ MASTER_KEY_FILE: '/secrets/master.key' }).masterKeyFile).toBe('/secrets/master.key');
    expect(() =>
      loadConfig({ DATA_DIR: 'var/pipeline', SIGNING_KEY_FILE: 'var/pipeline/signing.key' }),
    ).toThrow(/SIGNING_KEY_FILE must be outside the data directory/);
  });

  it('honours PORT and DATA_DIR', () => {
    expect(loadConfig({ PORT: '8080', DATA_DIR: 'var/pipeline' })).toMatchObject({
      port: 8080,
      dataDir: resolve('var/pipeline'),
    });
  });

  it('stops on a bad value, naming every bad setting', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATA_DIR: ' ', BODY_LIMIT: '1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT must be an integer from 0 to 65535, got "eighty"');
    expect(message).toContain('DATA_DIR must not be empty');
    expect(message).toContain('BODY_LIMIT');
  });

  it('reads AUTO_CREATE_DEALS as a flag', () => {
    expect(loadConfig({ AUTO_CREATE_DEALS: 'false' }).autoCreateDeals).toBe(false);
    expect(() => loadConfig({ AUTO_CREATE_DEALS: 'no' })).toThrow('AUTO_CREATE_DEALS must be true or false');
  });

  it('chooses the production stores, with their URLs', () => {
    expect(
      loadConfig({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
        READ_STORE: 'mongodb',
        MONGODB_URL: 'mongodb://mongo:27017/?replicaSet=rs0',
        RUN_PROJECTIONS: 'false',
      }),
    ).toMatchObject({
      eventStore: { kind: 'eventstoredb', url: 'esdb://eventstore:2113?tls=false' },
      readStore: {
        kind: 'mongodb',
        url: 'mongodb://mongo:27017/?replicaSet=rs0',
        database: 'sales_pipeline',
      },
      runProjections: false,
    });
  });

  it('stops when a production store is chosen without its URL, or an unknown store is named', () => {
    expect(() => loadConfig({ EVENT_STORE: 'eventstoredb' })).toThrow('EVENTSTORE_URL must be');
    expect(() => loadConfig({ READ_STORE: 'mongodb', MONGODB_URL: 'http://x' })).toThrow(
      'MONGODB_URL must be',
    );
    expect(() => loadConfig({ EVENT_STORE: 'postgres' })).toThrow(
      'EVENT_STORE must be sqlite or eventstoredb',
    );
  });

  it('reads the log level and format and the readiness bound, and refuses others', () => {
    expect(loadConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', READY_MAX_LAG: '0' })).toMatchObject({
      logLevel: 'debug',
      logFormat: 'pretty',
      readyMaxLag: 0,
    });
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
    );
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow('LOG_FORMAT must be one of json, pretty');
    expect(() => loadConfig({ READY_MAX_LAG: 'lots' })).toThrow('READY_MAX_LAG must be an integer');
  });

  it('takes ADMIN_API_KEY as a secret of 32 printable characters or more, and never echoes a bad one', () => {
    const secret = 'a-long-enough-admin-secret-0123456789';
    expect(loadConfig({ ADMIN_API_KEY: secret }).adminApiKey).toBe(secret);
    expect(loadConfig({ ADMIN_API_KEY: '' }).adminApiKey).toBeUndefined();
    for (const bad of ['short-secret', `${'x'.repeat(20)} ${'y'.repeat(20)}`]) {
      let message = '';
      try {
        loadConfig({ ADMIN_API_KEY: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('ADMIN_API_KEY must be 32 to 512 printable ASCII characters');
      expect(message).not.toContain(bad);
    }
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '-1' })).toThrow(ConfigError);
  });
});

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
    });
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

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '-1' })).toThrow(ConfigError);
  });
});

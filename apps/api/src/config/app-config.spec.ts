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

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '-1' })).toThrow(ConfigError);
  });
});

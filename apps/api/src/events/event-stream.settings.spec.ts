import { ConfigError } from '@app/application';
import { loadEventStreamSettings } from './event-stream.settings';

describe('loadEventStreamSettings', () => {
  it('has defaults', () => {
    expect(loadEventStreamSettings({})).toEqual({
      heartbeatMs: 15_000,
      slowConsumerMs: 30_000,
      maxConnections: 1000,
      maxPerKey: 500,
      catchUpBatchesPerTurn: 2,
    });
  });

  it('reads SSE_HEARTBEAT_MS and SSE_SLOW_CONSUMER_MS', () => {
    expect(loadEventStreamSettings({ SSE_HEARTBEAT_MS: '250', SSE_SLOW_CONSUMER_MS: '5000' })).toMatchObject({
      heartbeatMs: 250,
      slowConsumerMs: 5000,
    });
  });

  it('reads the stream limits and the catch-up turns', () => {
    expect(
      loadEventStreamSettings({
        SSE_MAX_CONNECTIONS: '10',
        SSE_MAX_PER_KEY: '2',
        SSE_CATCH_UP_BATCHES_PER_TURN: '8',
      }),
    ).toMatchObject({ maxConnections: 10, maxPerKey: 2, catchUpBatchesPerTurn: 8 });
  });

  it('stops on a bad value, naming every bad setting', () => {
    let error: unknown;
    try {
      loadEventStreamSettings({ SSE_HEARTBEAT_MS: 'often', SSE_SLOW_CONSUMER_MS: '0', SSE_MAX_PER_KEY: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'SSE_HEARTBEAT_MS must be an integer number of milliseconds from 10 to 3600000, got "often"',
      'SSE_SLOW_CONSUMER_MS must be an integer number of milliseconds from 10 to 3600000, got "0"',
      'SSE_MAX_PER_KEY must be an integer from 1 to 100000, got "0"',
    ]);
  });
});

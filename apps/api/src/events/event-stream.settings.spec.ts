import { ConfigError } from '@app/application';
import { loadEventStreamSettings } from './event-stream.settings';

describe('loadEventStreamSettings', () => {
  it('has defaults', () => {
    expect(loadEventStreamSettings({})).toEqual({ heartbeatMs: 15_000, slowConsumerMs: 30_000 });
  });

  it('reads SSE_HEARTBEAT_MS and SSE_SLOW_CONSUMER_MS', () => {
    expect(loadEventStreamSettings({ SSE_HEARTBEAT_MS: '250', SSE_SLOW_CONSUMER_MS: '5000' })).toEqual({
      heartbeatMs: 250,
      slowConsumerMs: 5000,
    });
  });

  it('stops on a bad value, naming every bad setting', () => {
    let error: unknown;
    try {
      loadEventStreamSettings({ SSE_HEARTBEAT_MS: 'often', SSE_SLOW_CONSUMER_MS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'SSE_HEARTBEAT_MS must be an integer number of milliseconds from 10 to 3600000, got "often"',
      'SSE_SLOW_CONSUMER_MS must be an integer number of milliseconds from 10 to 3600000, got "0"',
    ]);
  });
});

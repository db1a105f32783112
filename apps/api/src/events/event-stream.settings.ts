import { ConfigError, integerSettings } from '@app/application';

/** Settings of GET /events, read from the environment at start like the rest of the configuration. */
export interface EventStreamSettings {
  /** Idle time after which a comment line keeps a connection open (SSE_HEARTBEAT_MS, default 15000). */
  readonly heartbeatMs: number;
  /**
   * How long a consumer may leave its socket full before it is cut off, and then how long it has to take the
   * message saying so (SSE_SLOW_CONSUMER_MS, default 30000).
   */
  readonly slowConsumerMs: number;
  /**
   * Streams open at once in this process, whoever opened them (SSE_MAX_CONNECTIONS, default 1000): one more is
   * answered 503 with Retry-After.
   */
  readonly maxConnections: number;
  /** Streams open at once with one API key (SSE_MAX_PER_KEY, default 500): one more is answered 429. */
  readonly maxPerKey: number;
  /**
   * Batches of events (500 each) read for streams catching up per turn of the event loop, all streams together
   * (SSE_CATCH_UP_BATCHES_PER_TURN, default 2): requests are served between two turns, however many streams
   * catch up.
   */
  readonly catchUpBatchesPerTurn: number;
}

export const EVENT_STREAM_SETTINGS = Symbol('EventStreamSettings');

const MAX_MS = 3_600_000;

/** Reads and checks the settings; a bad value stops the start with a message naming it. */
export function loadEventStreamSettings(
  env: Readonly<Record<string, string | undefined>>,
): EventStreamSettings {
  const problems: string[] = [];
  const milliseconds = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || value < 10 || value > MAX_MS) {
      problems.push(`${name} must be an integer number of milliseconds from 10 to ${MAX_MS}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const integer = integerSettings(env, problems);
  const count = (name: string, fallback: number, max: number): number => integer(name, fallback, 1, max);
  const settings: EventStreamSettings = {
    heartbeatMs: milliseconds('SSE_HEARTBEAT_MS', 15_000),
    slowConsumerMs: milliseconds('SSE_SLOW_CONSUMER_MS', 30_000),
    maxConnections: count('SSE_MAX_CONNECTIONS', 1000, 100_000),
    maxPerKey: count('SSE_MAX_PER_KEY', 500, 100_000),
    catchUpBatchesPerTurn: count('SSE_CATCH_UP_BATCHES_PER_TURN', 2, 1000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

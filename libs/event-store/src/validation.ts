import { InvalidAppendError } from './errors';
import type { ExpectedRevision, NewEvent } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** The checks every adapter makes before it writes anything. */
export function assertAppendable(streamId: string, events: readonly NewEvent[]): void {
  if (streamId.length === 0 || streamId.startsWith('$')) {
    throw new InvalidAppendError(`"${streamId}" is not a stream name an application may write to`);
  }
  if (events.length === 0) {
    throw new InvalidAppendError('an append needs at least one event');
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (!isUuid(event.id)) throw new InvalidAppendError(`event id "${event.id}" is not a UUID`);
    if (ids.has(event.id)) throw new InvalidAppendError(`event id ${event.id} appears twice in one append`);
    ids.add(event.id);
    if (event.type.length === 0 || event.type.startsWith('$')) {
      throw new InvalidAppendError(`"${event.type}" is not an event type an application may write`);
    }
  }
}

/** Whether a stream whose last revision is `current` (-1: no stream) meets the writer's expectation. */
export function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    default:
      return current === expected;
  }
}

import { nameBasedUuid } from '@app/domain';

/** Namespace of event ids derived from idempotency keys. */
const IDEMPOTENT_EVENT_NAMESPACE = 'c1d9a3f0-6b2e-4e8a-9f47-2a5d7c3b1e90';

/**
 * The id of the index-th event a keyed request writes to a stream. A store recognises a retry by its event
 * ids, and EventStoreDB only within a stream, so ids are derived per stream on every store: an
 * Idempotency-Key is scoped to the stream (the aggregate) it was sent to, like the request's path, and the
 * same key on another stream is another request.
 */
export const idempotentEventId = (streamId: string, key: string, index: number): string =>
  nameBasedUuid(IDEMPOTENT_EVENT_NAMESPACE, `${streamId}\n${key}\n${index}`);

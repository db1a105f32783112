import { nameBasedUuid } from '@app/domain';
import { EventStore } from '@app/event-store';
import { Injectable } from '@nestjs/common';
import type { CommandMeta } from './command-meta';

/**
 * The id a keyed request without one creates its aggregate under: derived from its Idempotency-Key, so that a
 * retry names the same aggregate. Keys are scoped to the API key that sends them; a request made before that
 * (its events carry no actorKeyId) named its aggregate after the key as sent, and a retry of it after the
 * upgrade is recognised there.
 */
@Injectable()
export class KeyedIds {
  constructor(private readonly store: EventStore) {}

  async idFromKey(
    namespace: string,
    idempotency: NonNullable<CommandMeta['idempotency']>,
    streamOf: (id: string) => string,
  ): Promise<string> {
    const scoped = nameBasedUuid(namespace, idempotency.key);
    if (idempotency.unscoped === undefined) return scoped;
    const legacy = nameBasedUuid(namespace, idempotency.unscoped);
    const [first] = await this.store.readStream(streamOf(legacy), { maxCount: 1 });
    const madeBefore =
      first !== undefined &&
      first.metadata['actorKeyId'] === undefined &&
      first.metadata['idempotencyKey'] === idempotency.unscoped;
    return madeBefore ? legacy : scoped;
  }
}

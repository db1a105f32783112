import { randomUUID } from 'node:crypto';
import { InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import { idempotentEventId } from '../idempotency';
import { GENESIS_HASH, eventHash, verifyStream } from '../integrity';
import {
  type EventStore,
  type NewEvent,
  type Position,
  type RecordedEvent,
  START,
} from '../event-store.port';

export interface EventStoreContractOptions {
  /** A fresh, empty store for each test, and how to dispose of it. */
  readonly open: () => Promise<{ store: EventStore; dispose: () => Promise<void> }>;
  /** True when positions are 1, 2, 3... (the embedded store); otherwise they only increase. */
  readonly gaplessPositions: boolean;
  /**
   * The category of the streams the suite writes (`<category>-<uuid>`), `test` by default. A store on a server
   * that others write to meanwhile gets a category of its own and scopes its log to it, so that the tests of
   * the whole log see only their own events.
   */
  readonly streamCategory?: string;
}

let counter = 0;

export function newEvent(type = 'Tested', data: Record<string, unknown> = {}): NewEvent {
  counter += 1;
  return {
    id: randomUUID(),
    type,
    data: { n: counter, ...data },
    metadata: {
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter % 60)).toISOString(),
      actor: 'contract-suite',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      schemaVersion: 1,
    },
  };
}

async function readWholeLog(store: EventStore, batchSize = 1000): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after: Position = START;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) return all;
    all.push(...batch);
    after = batch[batch.length - 1]!.position;
  }
}

/** The behaviour every EventStore adapter must have. */
export function describeEventStoreContract(name: string, options: EventStoreContractOptions): void {
  const stream = () => `${options.streamCategory ?? 'test'}-${randomUUID()}`;

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store, dispose } = await options.open());
    });
    afterEach(async () => {
      await dispose();
    });

    describe('append and read back', () => {
      it('reads back exactly what was written, with revisions and positions', async () => {
        const streamId = stream();
        const events = [
          newEvent('LeadCaptured', { name: 'Ada', tags: ['a', 'b'], nested: { amount: 12, none: null } }),
          newEvent('LeadQualified', { unicode: 'Zoë ✓ 漢字' }),
        ];
        const result = await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
        expect(result.streamId).toBe(streamId);
        expect(result.revision).toBe(1);

        const read = await store.readStream(streamId);
        expect(read).toHaveLength(2);
        read.forEach((recorded, i) => {
          expect(recorded).toEqual({
            ...events[i],
            metadata: { ...events[i]!.metadata, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
            streamId,
            revision: i,
            position: expect.any(BigInt),
          });
        });
        expect(read[1]!.position).toBe(result.position);
        expect(read[0]!.position < read[1]!.position).toBe(true);
      });

      it('keeps metadata keys beyond the standard ones', async () => {
        const streamId = stream();
        const event = newEvent();
        const withExtra = {
          ...event,
          metadata: { ...event.metadata, idempotencyKey: 'k-1', note: { a: 1 } },
        };
        await store.appendToStream(streamId, [withExtra]);
        const [read] = await store.readStream(streamId);
        expect(read!.metadata).toEqual({ ...withExtra.metadata, hash: expect.any(String) });
      });

      it('answers an empty list for a stream that does not exist', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });

      it('reads a stream forwards and backwards, from a revision, a number of events', async () => {
        const streamId = stream();
        await store.appendToStream(streamId, [newEvent(), newEvent(), newEvent(), newEvent(), newEvent()]);
        const revisions = (events: RecordedEvent[]) => events.map((e) => e.revision);
        expect(revisions(await store.readStream(streamId))).toEqual([0, 1, 2, 3, 4]);
        expect(revisions(await store.readStream(streamId, { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(streamId, { fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
        expect(revisions(await store.readStream(streamId, { direction: 'backwards' }))).toEqual([
          4, 3, 2, 1, 0,
        ]);
        expect(revisions(await store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))).toEqual([
          4,
        ]);
        expect(
          revisions(await store.readStream(streamId, { direction: 'backwards', fromRevision: 2 })),
        ).toEqual([2, 1, 0]);
      });

      it('reads the whole log from a position, in batches, in order', async () => {
        const before = await store.headPosition();
        const written: string[] = [];
        for (let i = 0; i < 5; i++) {
          const events = [newEvent(), newEvent(), newEvent()];
          written.push(...events.map((e) => e.id));
          await store.appendToStream(stream(), events);
        }
        const read: RecordedEvent[] = [];
        let after = before;
        for (;;) {
          const batch = await store.readAll({ after, maxCount: 4 });
          expect(batch.length).toBeLessThanOrEqual(4);
          if (batch.length === 0) break;
          read.push(...batch);
          after = batch[batch.length - 1]!.position;
        }
        expect(read.map((e) => e.id)).toEqual(written);
        expect(await store.headPosition()).toBe(after);
      });

      it('reads only the events that had occurred by a moment, in batches, skipping later ones', async () => {
        const before = await store.headPosition();
        const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();
        // Out of time order on purpose: the filter is on each event's occurredAt, not on where it stands.
        const minutes = [1, 9, 2, 8, 3, 7, 4, 6, 5, 5];
        const events = minutes.map((minute) => {
          const event = newEvent();
          return { ...event, metadata: { ...event.metadata, occurredAt: at(minute) } };
        });
        await store.appendToStream(stream(), events.slice(0, 5));
        await store.appendToStream(stream(), events.slice(5));
        const until = at(5);
        const read: RecordedEvent[] = [];
        let after = before;
        for (;;) {
          const batch = await store.readAll({ after, maxCount: 2, occurredUntil: until });
          expect(batch.length).toBeLessThanOrEqual(2);
          if (batch.length === 0) break;
          read.push(...batch);
          after = batch[batch.length - 1]!.position;
        }
        expect(read.map((e) => e.id)).toEqual(
          events.filter((e) => e.metadata.occurredAt <= until).map((e) => e.id),
        );
        expect(read.map((e) => e.metadata.occurredAt)).toEqual([1, 2, 3, 4, 5, 5].map(at));
      });

      it('tells in-process readers when events land', async () => {
        const heads: Position[] = [];
        const unsubscribe = store.onAppended((head) => heads.push(head));
        const result = await store.appendToStream(stream(), [newEvent()]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        unsubscribe();
        await store.appendToStream(stream(), [newEvent()]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(heads.length).toBeGreaterThanOrEqual(1);
        expect(heads.every((h) => h >= result.position)).toBe(true);
        expect(heads.some((h) => h === result.position)).toBe(true);
      });
    });

    describe('expected revision', () => {
      it('no_stream: only a new stream', async () => {
        const streamId = stream();
        await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' });
        await expect(
          store.appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' }),
        ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId, actual: 0 });
      });

      it('an exact revision: only when the stream is at it', async () => {
        const streamId = stream();
        await store.appendToStream(streamId, [newEvent(), newEvent()]);
        await expect(
          store.appendToStream(streamId, [newEvent()], { expectedRevision: 0 }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(
          store.appendToStream(streamId, [newEvent()], { expectedRevision: 5 }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        const ok = await store.appendToStream(streamId, [newEvent()], { expectedRevision: 1 });
        expect(ok.revision).toBe(2);
      });

      it('an exact revision on a stream that does not exist is refused', async () => {
        await expect(
          store.appendToStream(stream(), [newEvent()], { expectedRevision: 0 }),
        ).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: -1,
        });
      });

      it('stream_exists: only an existing stream', async () => {
        const streamId = stream();
        await expect(
          store.appendToStream(streamId, [newEvent()], { expectedRevision: 'stream_exists' }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await store.appendToStream(streamId, [newEvent()]);
        const ok = await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'stream_exists' });
        expect(ok.revision).toBe(1);
      });

      it('any: whatever the stream holds', async () => {
        const streamId = stream();
        expect(
          (await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'any' })).revision,
        ).toBe(0);
        expect(
          (await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'any' })).revision,
        ).toBe(1);
      });

      it('a refused append writes nothing, not even part of its events', async () => {
        const streamId = stream();
        await store.appendToStream(streamId, [newEvent()]);
        const head = await store.headPosition();
        await expect(
          store.appendToStream(streamId, [newEvent(), newEvent(), newEvent()], {
            expectedRevision: 'no_stream',
          }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(streamId)).toHaveLength(1);
        expect(await store.headPosition()).toBe(head);
      });

      it('many concurrent appends with one expected revision: exactly one succeeds', async () => {
        const streamId = stream();
        await store.appendToStream(streamId, [newEvent()]);
        const attempts = await Promise.allSettled(
          Array.from({ length: 50 }, () =>
            store.appendToStream(streamId, [newEvent(), newEvent()], { expectedRevision: 0 }),
          ),
        );
        const succeeded = attempts.filter((a) => a.status === 'fulfilled');
        const refused = attempts.filter(
          (a) => a.status === 'rejected' && a.reason instanceof WrongExpectedRevisionError,
        );
        expect(succeeded).toHaveLength(1);
        expect(refused).toHaveLength(49);
        const events = await store.readStream(streamId);
        expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
      });
    });

    describe('idempotent retries', () => {
      it('a retried append returns the first result and writes nothing', async () => {
        const streamId = stream();
        const events = [newEvent(), newEvent()];
        const first = await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        const retry = await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
        expect(retry).toEqual(first);
        expect(await store.readStream(streamId)).toHaveLength(2);
        expect(await store.headPosition()).toBe(head);
      });

      it('a retry after other writes to the stream still returns the first result', async () => {
        const streamId = stream();
        const events = [newEvent()];
        const first = await store.appendToStream(streamId, events, { expectedRevision: 'any' });
        await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'any' });
        expect(await store.appendToStream(streamId, events, { expectedRevision: 'any' })).toEqual(first);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('an idempotency key is scoped to its stream: the same key on two streams is two appends, each retry answered with its own first result', async () => {
        // The rule on every store (EventStoreDB recognises repeated event ids only within a stream): ids are
        // derived from the stream and the key, so a key reused on another aggregate is another request.
        const [first, second] = [stream(), stream()];
        const keyed = (streamId: string) =>
          [0, 1].map((i) => ({ ...newEvent(), id: idempotentEventId(streamId, 'key-1', i) }));
        const firstEvents = keyed(first);
        const secondEvents = keyed(second);
        expect(secondEvents[0]!.id).not.toBe(firstEvents[0]!.id);
        const a = await store.appendToStream(first, firstEvents, { expectedRevision: 'no_stream' });
        const b = await store.appendToStream(second, secondEvents, { expectedRevision: 'no_stream' });
        expect(b.position).not.toBe(a.position);
        const head = await store.headPosition();
        expect(await store.appendToStream(first, firstEvents, { expectedRevision: 'no_stream' })).toEqual(a);
        expect(await store.appendToStream(second, secondEvents, { expectedRevision: 'no_stream' })).toEqual(
          b,
        );
        expect(await store.headPosition()).toBe(head);
        expect((await store.readStream(second)).map((e) => e.id)).toEqual(secondEvents.map((e) => e.id));
      });

      it('the same append sent concurrently is written once and answered alike', async () => {
        const streamId = stream();
        const events = [newEvent(), newEvent()];
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.appendToStream(streamId, events, { expectedRevision: 'any' }),
          ),
        );
        results.forEach((r) => expect(r).toEqual(results[0]));
        expect(await store.readStream(streamId)).toHaveLength(2);
      });
    });

    describe('the global log', () => {
      it('concurrent appends to many streams get increasing, unique positions, and each stream stays contiguous', async () => {
        const before = await store.headPosition();
        const streams = Array.from({ length: 20 }, () => stream());
        const appends = Array.from({ length: 200 }, (_, i) =>
          store.appendToStream(
            streams[i % streams.length]!,
            i % 3 === 0 ? [newEvent(), newEvent()] : [newEvent()],
          ),
        );
        const results = await Promise.all(appends);
        const log = (await readWholeLog(store, 37)).filter((e) => e.position > before);
        const expectedCount = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 2 : 1)).reduce<number>(
          (a, b) => a + b,
          0,
        );
        expect(log).toHaveLength(expectedCount);

        for (let i = 1; i < log.length; i++) {
          expect(log[i]!.position > log[i - 1]!.position).toBe(true);
        }
        if (options.gaplessPositions) {
          log.forEach((event, i) => expect(event.position).toBe(before + BigInt(i + 1)));
        }
        for (const streamId of streams) {
          const inLog = log.filter((e) => e.streamId === streamId).map((e) => e.revision);
          expect(inLog).toEqual(inLog.map((_, i) => i));
        }
        const positions = new Set(results.map((r) => r.position));
        expect(positions.size).toBe(results.length);
      });

      it('the head is the position of the last event', async () => {
        const result = await store.appendToStream(stream(), [newEvent(), newEvent()]);
        expect(await store.headPosition()).toBe(result.position);
      });
    });

    describe('tamper evidence', () => {
      it('chains every event to the one before it in its stream, across appends and concurrent writers', async () => {
        const streamId = stream();
        await store.appendToStream(streamId, [newEvent(), newEvent()]);
        await Promise.all(Array.from({ length: 10 }, () => store.appendToStream(streamId, [newEvent()])));
        const events = await store.readStream(streamId);
        expect(events).toHaveLength(12);
        expect(verifyStream(events)).toEqual({ verified: true, brokenAt: null });
        expect(events[0]!.metadata['hash']).toBe(eventHash(GENESIS_HASH, streamId, 0, events[0]!));
        expect(new Set(events.map((e) => e.metadata['hash'])).size).toBe(12);
      });

      it('a changed event no longer verifies', async () => {
        const streamId = stream();
        await store.appendToStream(streamId, [newEvent(), newEvent(), newEvent()]);
        const events = await store.readStream(streamId);
        const altered = events.map((e, i) => (i === 1 ? { ...e, data: { ...e.data, amount: 1 } } : e));
        expect(verifyStream(altered)).toEqual({ verified: false, brokenAt: 1 });
        expect(verifyStream(events.filter((_, i) => i !== 1))).toEqual({ verified: false, brokenAt: 1 });
      });
    });

    describe('malformed appends', () => {
      it('refuses an append without events, with a non-UUID id, or with an id twice', async () => {
        const head = await store.headPosition();
        await expect(store.appendToStream(stream(), [])).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.appendToStream(stream(), [{ ...newEvent(), id: 'nope' }])).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        const event = newEvent();
        await expect(store.appendToStream(stream(), [event, event])).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        await expect(store.appendToStream('$system', [newEvent()])).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        expect(await store.headPosition()).toBe(head);
      });
    });
  });
}

import { revisionMatches } from '../validation';
import {
  type AllStreamRecordedEvent,
  BACKWARDS,
  DeadlineExceededError,
  END,
  FORWARDS,
  START as ESDB_START,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  EventIdConflictError,
  InvalidAppendError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port';
import { newEvent } from '../testing/event-store.contract';
import {
  appendedPosition,
  assertStorableMetadata,
  comparePositions,
  describeServer,
  exactExpectation,
  findRetry,
  fromEsdbEvent,
  fromStoredMetadata,
  inLog,
  isLooseExpectation,
  isStreamNotFound,
  isWritableStream,
  latestInLog,
  logEventsAfter,
  logFilter,
  logScope,
  readAllFrom,
  toClientExpectedRevision,
  toEventData,
  toPosition,
  toReadStreamOptions,
  toStoredMetadata,
  toWrongExpectedRevision,
  translateError,
  wakeUpPosition,
} from './eventstoredb-mapping';

const at = (n: bigint) => ({ commit: n, prepare: n });

/** A recorded event as the client gives it for a JSON event the adapter wrote. */
function recorded(
  streamId: string,
  revision: number,
  position: bigint,
  { event = newEvent(), type = event.type }: { event?: NewEvent; type?: string } = {},
): AllStreamRecordedEvent {
  return {
    streamId,
    id: event.id,
    isJson: true,
    revision: BigInt(revision),
    type,
    created: new Date(0),
    data: event.data,
    metadata: toStoredMetadata(event.metadata),
    position: at(position),
  };
}

describe('EventStoreDB mapping', () => {
  describe('expected revisions', () => {
    it("maps the port's expectations to the client's, a revision exactly as a bigint", () => {
      const cases: Array<[ExpectedRevision, unknown]> = [
        ['any', 'any'],
        ['no_stream', 'no_stream'],
        ['stream_exists', 'stream_exists'],
        [0, 0n],
        [41, 41n],
      ];
      for (const [expected, client] of cases) expect(toClientExpectedRevision(expected)).toBe(client);
    });

    it('appends with the exact revision read: no_stream for a stream that does not exist', () => {
      expect(exactExpectation(-1)).toBe('no_stream');
      expect(exactExpectation(0)).toBe(0);
      expect(exactExpectation(7)).toBe(7);
    });

    it('checks an expectation against the revision read', () => {
      expect(revisionMatches('any', -1)).toBe(true);
      expect(revisionMatches('any', 3)).toBe(true);
      expect(revisionMatches('no_stream', -1)).toBe(true);
      expect(revisionMatches('no_stream', 0)).toBe(false);
      expect(revisionMatches('stream_exists', -1)).toBe(false);
      expect(revisionMatches('stream_exists', 0)).toBe(true);
      expect(revisionMatches(2, 2)).toBe(true);
      expect(revisionMatches(2, 3)).toBe(false);
      expect(revisionMatches(0, -1)).toBe(false);
    });

    it('retries only loose expectations after a lost race', () => {
      expect(isLooseExpectation('any')).toBe(true);
      expect(isLooseExpectation('stream_exists')).toBe(true);
      expect(isLooseExpectation('no_stream')).toBe(false);
      expect(isLooseExpectation(4)).toBe(false);
    });
  });

  describe('metadata', () => {
    const metadata = {
      ...newEvent().metadata,
      hash: 'a'.repeat(64),
      idempotencyKey: 'k-1',
      note: { nested: [1, 2] },
    };

    it("adds EventStoreDB's $correlationId and $causationId and leaves the rest as it is", () => {
      expect(toStoredMetadata(metadata)).toEqual({
        ...metadata,
        $correlationId: metadata.correlationId,
        $causationId: metadata.causationId,
      });
    });

    it('strips them on read, giving back exactly our metadata', () => {
      expect(fromStoredMetadata(toStoredMetadata(metadata))).toEqual(metadata);
    });

    it('writes JSON events whose ids are ours', () => {
      const event = { ...newEvent('LeadCaptured', { name: 'Ada' }), metadata };
      expect(toEventData(event)).toEqual({
        id: event.id,
        contentType: 'application/json',
        type: 'LeadCaptured',
        data: event.data,
        metadata: toStoredMetadata(metadata),
      });
    });

    it('refuses metadata keys EventStoreDB reserves, which would not read back', () => {
      const event = newEvent();
      expect(() => assertStorableMetadata([event])).not.toThrow();
      expect(() =>
        assertStorableMetadata([event, { ...event, metadata: { ...event.metadata, $correlationId: 'x' } }]),
      ).toThrow(InvalidAppendError);
    });
  });

  describe('recorded events', () => {
    it('reads back what the adapter wrote, with revision and position as the port has them', () => {
      const event = newEvent('DealWon', { amount: 12 });
      expect(fromEsdbEvent(recorded('deal-1', 3, 900n, { event }))).toEqual<RecordedEvent>({
        ...event,
        streamId: 'deal-1',
        revision: 3,
        position: 900n,
      });
    });

    it('refuses events the application cannot have written', () => {
      const binary: AllStreamRecordedEvent = {
        ...recorded('deal-1', 0, 10n),
        isJson: false,
        data: new Uint8Array([1]),
      };
      expect(() => fromEsdbEvent(binary)).toThrow('does not have JSON object data and metadata');
      expect(() => fromEsdbEvent({ ...recorded('deal-1', 0, 10n), metadata: undefined })).toThrow(
        'does not have JSON object data and metadata',
      );
    });
  });

  describe('positions', () => {
    it('is the commit position, which equals the prepare position of a self-committed event', () => {
      expect(toPosition(at(123n), 'e')).toBe(123n);
    });

    it('refuses a position the server did not give (before 22.6) or that events of a transaction share', () => {
      expect(() => toPosition(undefined, 'e')).toThrow('22.6');
      expect(() => toPosition(at(2n ** 64n - 1n), 'e')).toThrow('22.6');
      expect(() => toPosition(at(0n), 'e')).toThrow('22.6');
      expect(() => toPosition({ commit: 500n, prepare: 420n }, 'e')).toThrow('explicit transaction');
    });

    it("takes an append's position from its response only when it is the last event's own", () => {
      expect(appendedPosition({ success: true, nextExpectedRevision: 1n, position: at(77n) })).toBe(77n);
      expect(appendedPosition({ success: true, nextExpectedRevision: 1n })).toBeUndefined();
      expect(
        appendedPosition({ success: true, nextExpectedRevision: 1n, position: at(2n ** 64n - 1n) }),
      ).toBeUndefined();
      expect(
        appendedPosition({
          success: true,
          nextExpectedRevision: 1n,
          position: { commit: 90n, prepare: 80n },
        }),
      ).toBeUndefined();
    });

    it('orders client positions by commit, then prepare', () => {
      expect(comparePositions(at(5n), at(5n))).toBe(0);
      expect(comparePositions(at(5n), at(6n))).toBe(-1);
      expect(comparePositions({ commit: 6n, prepare: 1n }, at(5n))).toBe(1);
      expect(comparePositions({ commit: 6n, prepare: 1n }, { commit: 6n, prepare: 2n })).toBe(-1);
    });

    it('starts reading $all at the start, or at the position read after (the server includes it)', () => {
      expect(readAllFrom(0n)).toBe(ESDB_START);
      expect(readAllFrom(4242n)).toEqual(at(4242n));
    });

    it('maps stream reads: from the start forwards, from the end backwards, or from a revision', () => {
      expect(toReadStreamOptions({})).toEqual({
        direction: FORWARDS,
        fromRevision: ESDB_START,
        maxCount: undefined,
      });
      expect(toReadStreamOptions({ direction: 'backwards', maxCount: 1 })).toEqual({
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      expect(toReadStreamOptions({ direction: 'backwards', fromRevision: 2 })).toMatchObject({
        fromRevision: 2n,
      });
    });
  });

  describe('the log', () => {
    const everything = logScope();
    const leadsAndDeals = logScope(['lead', 'deal']);

    it("is every stream but EventStoreDB's own, or the given categories", () => {
      expect(inLog(everything, 'lead-1', 'LeadCaptured')).toBe(true);
      expect(inLog(everything, 'other-1', 'Something')).toBe(true);
      expect(inLog(everything, '$ce-lead', '$>')).toBe(false);
      expect(inLog(everything, '$stats-127.0.0.1:2113', '$statsCollected')).toBe(false);
      expect(inLog(everything, '$projections-$all', 'Result')).toBe(false);
      expect(inLog(everything, 'lead-1', '$streamDeleted')).toBe(false);
      expect(inLog(leadsAndDeals, 'deal-2', 'DealWon')).toBe(true);
      expect(inLog(leadsAndDeals, 'other-1', 'Something')).toBe(false);
      expect(inLog(leadsAndDeals, 'leads-1', 'Something')).toBe(false);
      expect(isWritableStream(leadsAndDeals, 'other-1')).toBe(false);
      expect(isWritableStream(everything, 'other-1')).toBe(true);
    });

    it('is filtered on the server for subscriptions, by stream name', () => {
      expect(logFilter(everything)).toMatchObject({ filterOn: 'streamName', regex: '^[^$]' });
      expect(logFilter(leadsAndDeals)).toMatchObject({
        filterOn: 'streamName',
        prefixes: ['lead-', 'deal-'],
      });
    });

    it('takes categories only', () => {
      expect(() => logScope([])).toThrow();
      expect(() => logScope(['lead-x'])).toThrow('not a stream category');
      expect(() => logScope(['$ce'])).toThrow('not a stream category');
    });

    it('reads strictly after a position: the event at it, which the server sends first, is left out', () => {
      const page = [
        recorded('lead-1', 0, 100n),
        recorded('$ce-lead', 0, 180n, { type: '$>' }),
        recorded('lead-1', 1, 200n),
        recorded('other-1', 0, 250n),
        recorded('deal-1', 0, 300n),
        recorded('deal-1', 1, 301n),
      ];
      const positions = (events: RecordedEvent[]) => events.map((e) => e.position);
      expect(positions(logEventsAfter(page, at(100n), everything, 10))).toEqual([200n, 250n, 300n, 301n]);
      expect(positions(logEventsAfter(page, at(100n), leadsAndDeals, 10))).toEqual([200n, 300n, 301n]);
      expect(positions(logEventsAfter(page, at(0n), leadsAndDeals, 2))).toEqual([100n, 200n]);
      expect(positions(logEventsAfter(page, at(301n), everything, 10))).toEqual([]);
    });

    it('skips events that occurred after a moment, counting only those kept against the room', () => {
      const occurred = (iso: string) => {
        const event = newEvent();
        return { event: { ...event, metadata: { ...event.metadata, occurredAt: iso } } };
      };
      const page = [
        recorded('lead-1', 0, 100n, occurred('2026-03-01T10:00:00.000Z')),
        recorded('lead-2', 0, 200n, occurred('2026-03-01T12:00:00.000Z')),
        recorded('lead-3', 0, 300n, occurred('2026-03-01T09:00:00.000Z')),
        recorded('lead-4', 0, 400n, occurred('2026-03-01T11:00:00.000Z')),
      ];
      const positions = (events: RecordedEvent[]) => events.map((e) => e.position);
      const until = '2026-03-01T11:00:00.000Z';
      expect(positions(logEventsAfter(page, at(0n), everything, 10, until))).toEqual([100n, 300n, 400n]);
      expect(positions(logEventsAfter(page, at(0n), everything, 2, until))).toEqual([100n, 300n]);
      expect(positions(logEventsAfter(page, at(300n), everything, 10, until))).toEqual([400n]);
    });

    it('finds the head reading backwards, skipping system events and what was already seen', () => {
      const backwards = [
        recorded('$stats-node', 9, 900n, { type: '$statsCollected' }),
        recorded('$ce-deal', 0, 800n, { type: '$>' }),
        recorded('deal-1', 1, 700n),
        recorded('lead-1', 0, 600n),
      ];
      expect(latestInLog(backwards, null, everything)).toBe(700n);
      expect(latestInLog(backwards, at(700n), everything)).toBe(600n);
      expect(latestInLog(backwards.slice(0, 2), null, everything)).toBeUndefined();
    });

    it('wakes readers only for events of the log', () => {
      expect(wakeUpPosition(recorded('lead-1', 0, 10n), leadsAndDeals)).toBe(10n);
      expect(wakeUpPosition(recorded('other-1', 0, 10n), leadsAndDeals)).toBeUndefined();
      expect(wakeUpPosition(recorded('$ce-lead', 0, 10n, { type: '$>' }), everything)).toBeUndefined();
    });
  });

  describe('retries', () => {
    const stored = (events: ReturnType<typeof newEvent>[], from = 0): RecordedEvent[] =>
      events.map((event, i) => ({
        ...event,
        streamId: 's-1',
        revision: from + i,
        position: BigInt(100 + i),
      }));

    it('is not a retry when none of the ids is in the stream', () => {
      expect(findRetry('s-1', stored([newEvent()]), [newEvent()])).toBeUndefined();
      expect(findRetry('s-1', [], [newEvent()])).toBeUndefined();
    });

    it('answers the original result when all ids are there, in order, even after later writes', () => {
      const a = newEvent();
      const b = newEvent();
      const history = stored([newEvent(), a, b, newEvent()]);
      expect(findRetry('s-1', history, [a, b])).toEqual({ streamId: 's-1', revision: 2, position: 102n });
    });

    it('recognises ids in the server spelling (lower case)', () => {
      const a = newEvent();
      expect(findRetry('s-1', stored([a]), [{ ...a, id: a.id.toUpperCase() }])).toEqual({
        streamId: 's-1',
        revision: 0,
        position: 100n,
      });
    });

    it('is a conflict when only some ids are there, or not in that order', () => {
      const [a, b, c] = [newEvent(), newEvent(), newEvent()];
      const history = stored([a, b]);
      expect(() => findRetry('s-1', history, [a, c])).toThrow(EventIdConflictError);
      expect(() => findRetry('s-1', history, [c, a])).toThrow(EventIdConflictError);
      expect(() => findRetry('s-1', history, [b, a])).toThrow(EventIdConflictError);
    });
  });

  describe('errors', () => {
    const server = 'esdb://localhost:2113?tls=false';

    it("turns the client's wrong expected version into the port's, with the caller's expectation", () => {
      const noStream = new WrongExpectedVersionError(undefined, {
        streamName: 'lead-1',
        expected: 3n,
        current: 'no_stream',
      });
      expect(toWrongExpectedRevision(noStream, 'lead-1', 3)).toEqual(
        new WrongExpectedRevisionError('lead-1', 3, -1),
      );
      const behind = new WrongExpectedVersionError(undefined, {
        streamName: 'lead-1',
        expected: 1n,
        current: 4n,
      });
      const refusal = toWrongExpectedRevision(behind, 'lead-1', 'any');
      expect(refusal).toBeInstanceOf(WrongExpectedRevisionError);
      expect(refusal).toMatchObject({ streamId: 'lead-1', expected: 'any', actual: 4 });
      expect(toWrongExpectedRevision(new UnavailableError(), 'lead-1', 'any')).toBeUndefined();
      expect(toWrongExpectedRevision(new Error('other'), 'lead-1', 'any')).toBeUndefined();
    });

    it('reports an unreachable or unanswering server as unavailable, naming it and the operation', () => {
      // What the client rejects with when nothing listens: a gRPC status, converted or not.
      const refused = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
        code: 14,
        details: 'No connection established',
      });
      const failures = [
        refused,
        new UnavailableError(undefined, 'No connection established'),
        new DeadlineExceededError(undefined, 'Deadline exceeded'),
        new TimeoutError(undefined, 'Commit phase timeout.'),
        new Error('Failed to discover after 10 attempts.'),
      ];
      for (const failure of failures) {
        const translated = translateError(failure, server, 'appending to lead-1');
        expect(translated).toBeInstanceOf(StoreUnavailableError);
        expect(translated.message).toContain(
          `EventStoreDB at ${server} is unavailable (appending to lead-1)`,
        );
        expect(translated.cause).toBe(failure);
      }
    });

    it('passes other errors through unchanged', () => {
      const deleted = StreamDeletedError.fromStreamName('lead-1');
      expect(translateError(deleted, server, 'reading lead-1')).toBe(deleted);
      const bug = new TypeError('boom');
      expect(translateError(bug, server, 'reading lead-1')).toBe(bug);
      expect(translateError('odd', server, 'reading lead-1')).toEqual(new Error('odd'));
    });

    it('tells a missing stream, which reads as empty', () => {
      expect(isStreamNotFound(new StreamNotFoundError(undefined, 'lead-1'))).toBe(true);
      expect(isStreamNotFound(StreamDeletedError.fromStreamName('lead-1'))).toBe(false);
    });

    it('names the server without its credentials', () => {
      expect(describeServer('esdb://admin:changeit@localhost:2113?tls=false')).toBe(
        'esdb://localhost:2113?tls=false',
      );
      expect(describeServer('esdb+discover://ops:secret@cluster.example:2113')).toBe(
        'esdb+discover://cluster.example:2113',
      );
      expect(describeServer('esdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
    });
  });
});

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { RecordedEvent } from './event-store.port';
import { GENESIS_HASH, canonicalJson, chainEvents, eventHash, verifyStream } from './integrity';

function stream(length: number): RecordedEvent[] {
  const events = Array.from({ length }, (_, i) => ({
    id: randomUUID(),
    type: 'Tested',
    data: { n: i, nested: { b: 1, a: [1, { y: 2, x: 1 }] } },
    metadata: {
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: 'a',
      correlationId: 'c',
      causationId: 'c',
      schemaVersion: 1,
    },
  }));
  return chainEvents(GENESIS_HASH, 'test-1', 0, events).map((e, i) => ({
    ...e,
    streamId: 'test-1',
    revision: i,
    position: BigInt(i + 1),
  }));
}

describe('integrity', () => {
  it('serialises objects the same whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }),
    );
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it('serialises exactly as the sorted-entries definition the stored hashes were made with', () => {
    // The definition every stored hash was computed with; the fast version must never drift from it.
    const definition = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(definition).join(',')}]`;
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${definition(v)}`).join(',')}}`;
      }
      return JSON.stringify(value) ?? 'null';
    };
    fc.assert(
      fc.property(fc.anything({ withObjectString: false, withNullPrototype: false }), (value) => {
        expect(canonicalJson(value)).toBe(definition(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('verifies an untouched stream and fixes the first hash to the genesis', () => {
    const events = stream(5);
    expect(verifyStream(events)).toEqual({ verified: true, brokenAt: null });
    expect(events[0]!.metadata['hash']).toBe(eventHash(GENESIS_HASH, 'test-1', 0, events[0]!));
  });

  it('finds an altered event: data, type or metadata', () => {
    const events = stream(5);
    const at = (i: number, change: (e: RecordedEvent) => RecordedEvent) =>
      events.map((e, k) => (k === i ? change(e) : e));
    expect(verifyStream(at(2, (e) => ({ ...e, data: { ...e.data, n: 99 } })))).toEqual({
      verified: false,
      brokenAt: 2,
    });
    expect(verifyStream(at(0, (e) => ({ ...e, type: 'Other' })))).toEqual({ verified: false, brokenAt: 0 });
    expect(verifyStream(at(4, (e) => ({ ...e, metadata: { ...e.metadata, actor: 'mallory' } })))).toEqual({
      verified: false,
      brokenAt: 4,
    });
  });

  it('finds a removed event and a reordered one', () => {
    const events = stream(5);
    expect(verifyStream(events.filter((_, i) => i !== 1))).toEqual({ verified: false, brokenAt: 1 });
    const swapped = [events[0]!, { ...events[2]!, revision: 1 }, { ...events[1]!, revision: 2 }, events[3]!];
    expect(verifyStream(swapped)).toEqual({ verified: false, brokenAt: 1 });
  });

  it('finds a hash recomputed for an altered event, since the next one chains to the old hash', () => {
    const events = stream(3);
    const forged = { ...events[1]!, data: { n: 42 } };
    const rehashed = {
      ...forged,
      metadata: {
        ...forged.metadata,
        hash: eventHash(events[0]!.metadata['hash'] as string, 'test-1', 1, forged),
      },
    };
    expect(verifyStream([events[0]!, rehashed, events[2]!])).toEqual({ verified: false, brokenAt: 2 });
  });
});

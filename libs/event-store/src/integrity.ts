import { createHash } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent } from './event-store.port';

/**
 * Tamper evidence: every event's metadata carries `hash`, a SHA-256 over the previous event's hash in its
 * stream and a canonical serialisation of the event (stream, revision, id, type, data, metadata). Altering,
 * removing or reordering a stored event breaks the chain from that event on. Adapters compute it as they
 * append, so it holds on every store.
 */
export const HASH_KEY = 'hash';

/** The "previous hash" of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level (by UTF-16 code units, as `<` compares strings): the same value
 * always serialises the same way. Members whose value is undefined are left out, as JSON.stringify does.
 * Written with plain loops: it runs for every event appended and every event an audit verifies.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

export function eventHash(
  previousHash: string,
  streamId: string,
  revision: number,
  event: Pick<NewEvent, 'id' | 'type' | 'data' | 'metadata'>,
): string {
  const { [HASH_KEY]: _ignored, ...metadata } = event.metadata;
  return createHash('sha256')
    .update(previousHash)
    .update('\n')
    .update(canonicalJson({ streamId, revision, id: event.id, type: event.type, data: event.data, metadata }))
    .digest('hex');
}

/** The events of one append with their hashes, chained from the stream's last hash. */
export function chainEvents(
  previousHash: string,
  streamId: string,
  firstRevision: number,
  events: readonly NewEvent[],
): NewEvent[] {
  let previous = previousHash;
  return events.map((event, i) => {
    const hash = eventHash(previous, streamId, firstRevision + i, event);
    previous = hash;
    return { ...event, metadata: { ...event.metadata, [HASH_KEY]: hash } };
  });
}

export const hashOf = (event: Pick<NewEvent, 'metadata'>): string | undefined => {
  const hash = event.metadata[HASH_KEY];
  return typeof hash === 'string' ? hash : undefined;
};

/** Follows one stream's chain; call `next` with its events in revision order. */
export class ChainVerifier {
  private previous = GENESIS_HASH;
  private expectedRevision = 0;
  /** The first revision where the chain breaks, or null while it holds. */
  brokenAt: number | null = null;
  events = 0;

  next(event: RecordedEvent): void {
    this.events += 1;
    if (this.brokenAt !== null) return;
    // A missing revision (an event removed) or one out of place (reordered) breaks the chain there.
    if (event.revision !== this.expectedRevision) {
      this.brokenAt = Math.min(this.expectedRevision, event.revision);
      return;
    }
    if (hashOf(event) !== eventHash(this.previous, event.streamId, event.revision, event)) {
      this.brokenAt = event.revision;
      return;
    }
    this.previous = hashOf(event)!;
    this.expectedRevision += 1;
  }
}

export function verifyStream(events: readonly RecordedEvent[]): {
  verified: boolean;
  brokenAt: number | null;
} {
  const verifier = new ChainVerifier();
  for (const event of events) verifier.next(event);
  return { verified: verifier.brokenAt === null, brokenAt: verifier.brokenAt };
}

export interface AuditReport {
  readonly streams: number;
  readonly events: number;
  readonly verified: boolean;
  readonly broken: { readonly streamId: string; readonly revision: number }[];
  /** Positions missing from a store whose log is gapless (the embedded one): events removed outright. */
  readonly missingPositions: { readonly after: string; readonly count: number }[];
}

/**
 * Recomputes the chains of every stream (one pass over the log) or of one stream. With `gapless`, also
 * checks that the log's positions run 1, 2, 3... so that removing a stream's last event is seen too.
 */
export async function auditStore(
  store: EventStore,
  options: { readonly stream?: string; readonly gapless: boolean },
): Promise<AuditReport> {
  if (options.stream !== undefined) {
    const events = await store.readStream(options.stream);
    const { brokenAt } = verifyStream(events);
    return {
      streams: events.length > 0 ? 1 : 0,
      events: events.length,
      verified: brokenAt === null,
      broken: brokenAt === null ? [] : [{ streamId: options.stream, revision: brokenAt }],
      missingPositions: [],
    };
  }
  // The log is in position order; a stream's events are in revision order within it unless reordered,
  // which the verifier reports.
  const verifiers = new Map<string, ChainVerifier>();
  const missingPositions: { after: string; count: number }[] = [];
  let events = 0;
  let after = 0n;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 5000 });
    if (batch.length === 0) break;
    for (const event of batch) {
      if (options.gapless && event.position !== after + 1n) {
        missingPositions.push({ after: after.toString(), count: Number(event.position - after - 1n) });
      }
      after = event.position;
      events += 1;
      let verifier = verifiers.get(event.streamId);
      if (!verifier) {
        verifier = new ChainVerifier();
        verifiers.set(event.streamId, verifier);
      }
      verifier.next(event);
    }
  }
  const broken = [...verifiers.entries()]
    .filter(([, v]) => v.brokenAt !== null)
    .map(([streamId, v]) => ({ streamId, revision: v.brokenAt! }))
    .sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  return {
    streams: verifiers.size,
    events,
    verified: broken.length === 0 && missingPositions.length === 0,
    broken,
    missingPositions,
  };
}

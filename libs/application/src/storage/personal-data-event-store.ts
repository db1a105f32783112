import { type ErasureNotice, type PersonalFields, conflict, personalFieldsOf } from '@app/domain';
import {
  type AppendResult,
  type EventStore,
  EventStoreLayer,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '@app/event-store';
import type { DataKeys } from '../personal-data/data-keys';
import { type SealedEnvelope, isSealedEnvelope, openJson, sealJson } from '../personal-data/envelope';

/**
 * Where an event keeps its sealed personal fields: the names of the fields (not personal), whose key seals
 * them, and the AES-256-GCM envelope of their values. The member's name cannot clash with a domain field.
 */
export const SEALED = '$sealed';

export interface SealedFields extends SealedEnvelope {
  readonly subject: string;
  /** The data key that seals them: the person's, made when their first data was written. */
  readonly kid: string;
  readonly fields: readonly string[];
}

/** A data key and its id, as it seals. */
export interface SealingKey {
  readonly kid: string;
  readonly key: Buffer;
}

/**
 * What the person's fields read as once their key is destroyed: null, and `erased` on the event's data says
 * when and why. A key that is missing without having been erased (a key store restored from an older backup)
 * reads the same, without a reason.
 */
export const ERASED = 'erased';

/**
 * The log with personal data sealed: the fields `personalFieldsOf` names are encrypted with the person's data
 * key before an event is appended, and opened as events are read. Hashes, the Merkle tree and its proofs are
 * over the sealed record (the store's own), so erasing a person, which destroys their key, changes no stored
 * byte and breaks no proof. Events written before sealing existed are read as they are.
 *
 * The authenticated data binds each envelope to its event (stream, id, type, subject): a ciphertext moved to
 * another event does not open.
 *
 * A person's key is found from their own stream: the subject `lead-<id>` is the name of the lead's stream, whose
 * sealed events name the key (`kid`); a person seen for the first time gets a fresh key (DataKeys.freshKey,
 * made ahead, so that a capture waits for no key write). Erasing them destroys every key their events name
 * (keysOf).
 */
export class PersonalDataEventStore extends EventStoreLayer {
  constructor(
    /** The store beneath, which holds the events sealed. */
    readonly sealed: EventStore,
    private readonly keys: DataKeys,
    private readonly policy: (event: NewEvent) => PersonalFields | undefined = personalFieldsOf,
  ) {
    super(sealed);
  }

  override appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    // Nothing to seal: handed on in the same turn, so that appends keep the order they were asked in.
    if (!events.some((event) => this.personalOf(event))) {
      return this.sealed.appendToStream(streamId, events, options);
    }
    const fresh = options?.expectedRevision === 'no_stream';
    return this.seal(streamId, events, fresh).then((sealed) =>
      this.sealed.appendToStream(streamId, sealed, options),
    );
  }

  /** The personal fields this event holds, if any. */
  private personalOf(event: NewEvent): PersonalFields | undefined {
    return heldPersonalFields(event, this.policy);
  }

  private async seal(streamId: string, events: readonly NewEvent[], fresh: boolean): Promise<NewEvent[]> {
    const keys = new Map<string, SealingKey>();
    const sealed: NewEvent[] = [];
    for (const event of events) {
      const personal = this.personalOf(event);
      if (!personal) {
        sealed.push(event);
        continue;
      }
      let key = keys.get(personal.subject);
      if (!key) {
        // A stream appended to for the first time holds no key yet, when it is the subject's own.
        key = await this.sealingKey(personal.subject, fresh && personal.subject === streamId);
        keys.set(personal.subject, key);
      }
      sealed.push({ ...event, data: sealEventData(streamId, event, personal, key) });
    }
    return sealed;
  }

  /** Which key seals a subject's data, once known: a subject's key never changes. */
  private readonly kids = new Map<string, string>();

  /** The subject's key (refused once erased), or a fresh one for a person seen for the first time. */
  private async sealingKey(subject: string, firstWrite: boolean): Promise<SealingKey> {
    const kid = this.kids.get(subject) ?? (firstWrite ? undefined : await this.kidFromLog(subject));
    if (kid === undefined) {
      const fresh = await this.keys.freshKey();
      this.remember(subject, fresh.kid);
      return fresh;
    }
    const key = (await this.keys.openingKeys([kid])).get(kid);
    if (Buffer.isBuffer(key)) return { kid, key };
    throw conflict(
      'LEAD_ERASED',
      `the personal data of ${subject} was erased${key ? ` at ${key.erased.at}` : ''}: nothing more can be written about them`,
    );
  }

  /** The key the subject's own stream names, if any. */
  private async kidFromLog(subject: string): Promise<string | undefined> {
    const [kid] = keysOf(subject, await this.sealed.readStream(subject));
    if (kid !== undefined) this.remember(subject, kid);
    return kid;
  }

  private remember(subject: string, kid: string): void {
    // Bounded: a forgotten key is found again in the log.
    if (this.kids.size >= 100_000) this.kids.clear();
    this.kids.set(subject, kid);
  }

  /** The events with their personal fields opened, or null with `erased` where the key is gone. */
  protected async read(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    let kids: Set<string> | undefined;
    for (const event of events) {
      const sealed = sealedFieldsOf(event);
      if (sealed) (kids ??= new Set()).add(sealed.kid);
    }
    if (!kids) return events;
    const keys = await this.keys.openingKeys([...kids]);
    return events.map((event) => {
      const sealed = sealedFieldsOf(event);
      if (!sealed) return event;
      const { [SEALED]: _sealed, ...data } = event.data;
      const key = keys.get(sealed.kid);
      if (Buffer.isBuffer(key)) {
        const values = openJson(key, sealed, aadOf(event.streamId, event, sealed.subject)) as Record<
          string,
          unknown
        >;
        return { ...event, data: { ...data, ...values }, asStored: event.asStored ?? event };
      }
      const erased: ErasureNotice | null = key ? key.erased : null;
      for (const field of sealed.fields) data[field] = null;
      return { ...event, data: { ...data, [ERASED]: erased }, asStored: event.asStored ?? event };
    });
  }
}

const aadOf = (streamId: string, event: Pick<NewEvent, 'id' | 'type'>, subject: string): string =>
  `${streamId}\n${event.id}\n${event.type}\n${subject}`;

/** The personal fields an event holds (those of the policy present in its data) and whose; undefined for none. */
export function heldPersonalFields<E extends Pick<NewEvent, 'type' | 'data'>>(
  event: E,
  policy: (event: E) => PersonalFields | undefined = personalFieldsOf,
): PersonalFields | undefined {
  const personal = policy(event);
  if (!personal) return undefined;
  const fields = personal.fields.filter((field) => event.data[field] !== undefined);
  return fields.length === 0 ? undefined : { subject: personal.subject, fields };
}

/**
 * The event's data as it is appended: the personal fields it holds moved into the `$sealed` envelope, sealed
 * under the subject's key and bound to the event (stream, id, type, subject). The one place an event is sealed:
 * the store on append, and the one-off sealing of a log written before sealing existed (npm run
 * personal-data:seal).
 */
export function sealEventData(
  streamId: string,
  event: Pick<NewEvent, 'id' | 'type' | 'data'>,
  personal: PersonalFields,
  { kid, key }: SealingKey,
): Record<string, unknown> {
  const { subject } = personal;
  const data: Record<string, unknown> = { ...event.data };
  const fields = personal.fields.filter((field) => data[field] !== undefined);
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    values[field] = data[field];
    delete data[field];
  }
  const envelope = sealJson(key, values, aadOf(streamId, event, subject));
  data[SEALED] = { subject, kid, fields, ...envelope } satisfies SealedFields;
  return data;
}

/** The sealed fields an event holds as stored, if any. */
export function sealedFieldsOf(event: Pick<NewEvent, 'data'>): SealedFields | undefined {
  const sealed = event.data[SEALED];
  if (sealed === undefined || !isSealedEnvelope(sealed)) return undefined;
  const { subject, kid, fields } = sealed as Partial<SealedFields>;
  return typeof subject === 'string' && typeof kid === 'string' && Array.isArray(fields)
    ? (sealed as SealedFields)
    : undefined;
}

/** The keys that seal the subject's data in these events (as stored): what erasing the subject destroys. */
export function keysOf(subject: string, events: readonly Pick<NewEvent, 'data'>[]): string[] {
  const kids = new Set<string>();
  for (const event of events) {
    const sealed = sealedFieldsOf(event);
    if (sealed?.subject === subject) kids.add(sealed.kid);
  }
  return [...kids];
}

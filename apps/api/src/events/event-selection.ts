import type { RecordedEvent } from '@app/event-store';
import { maskedEventData } from '../access/personal-data';
import type { EventMessageDto } from './event-message.dto';

/** What an event type name looks like; the `types` filter accepts only these, and SSE event names are these. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9]*$/;

/** Which events a consumer wants; no filter means every event. */
export interface EventSelection {
  readonly types?: ReadonlySet<string>;
  /** A stream category: `deal` selects the streams `deal-…`. */
  readonly category?: string;
  /** The consumer may not see the personal fields of leads: they are masked in the events it gets. */
  readonly maskPersonalData?: boolean;
  /**
   * Only that an event happened: `event: change` with its position, stream and type, never its data or
   * metadata (GET /changes, which every reader may follow to refresh what it shows).
   */
  readonly noticesOnly?: boolean;
}

/** The SSE event name of a notice (GET /changes). */
export const CHANGE_EVENT = 'change';

export const selects = (selection: EventSelection, event: RecordedEvent): boolean =>
  (selection.types === undefined || selection.types.has(event.type)) &&
  (selection.category === undefined || event.streamId.startsWith(`${selection.category}-`));

export const toMessage = (event: RecordedEvent, selection: EventSelection = {}): EventMessageDto => ({
  streamId: event.streamId,
  revision: event.revision,
  position: event.position.toString(),
  type: event.type,
  data: selection.maskPersonalData ? maskedEventData(event.type, event.data) : event.data,
  metadata: event.metadata,
});

/** What GET /changes says of an event. */
export const changeNotice = (event: RecordedEvent) => ({
  position: event.position.toString(),
  streamId: event.streamId,
  type: event.type,
});

/**
 * One SSE message. JSON never contains a raw line break, so `data:` is one line. A stored type that is not a
 * type name (the store accepts any) is left out of `event:`, where it could break the framing or pass for a
 * control message; such an event arrives as a plain `message`.
 */
export const sseMessage = (event: RecordedEvent, selection: EventSelection = {}): string =>
  selection.noticesOnly
    ? `id: ${event.position}\nevent: ${CHANGE_EVENT}\ndata: ${JSON.stringify(changeNotice(event))}\n\n`
    : `id: ${event.position}\n${EVENT_TYPE_PATTERN.test(event.type) ? `event: ${event.type}\n` : ''}data: ${JSON.stringify(toMessage(event, selection))}\n\n`;

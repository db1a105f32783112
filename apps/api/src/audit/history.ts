import type { Decider } from '@app/domain';
import { type EventMetadata, type RecordedEvent, verifyStream } from '@app/event-store';
import { ApiProperty } from '@nestjs/swagger';

export class HistoryEntryView {
  @ApiProperty() revision!: number;
  @ApiProperty({ description: 'Global log position' }) position!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
  @ApiProperty({
    type: Object,
    description: 'occurredAt, actor, correlationId, causationId, schemaVersion, hash',
  })
  metadata!: EventMetadata;
  @ApiProperty({ type: Object, description: 'The state after this event, folded with the domain evolve' })
  stateAfter!: unknown;
}

export class IntegrityView {
  @ApiProperty({ description: "True when the stream's hash chain holds" }) verified!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'The first revision where it breaks' })
  brokenAt!: number | null;
}

/** Every event of a stream with the state after it, and whether its tamper-evidence chain holds. */
export function historyOf<S, E, V>(
  events: readonly RecordedEvent[],
  decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve'>,
  view: (state: S, revision: number) => V,
): { events: (Omit<HistoryEntryView, 'stateAfter'> & { stateAfter: V })[]; integrity: IntegrityView } {
  let state = decider.initialState();
  return {
    events: events.map((event) => {
      state = decider.evolve(state, event as unknown as E);
      return {
        revision: event.revision,
        position: event.position.toString(),
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        stateAfter: view(state, event.revision),
      };
    }),
    integrity: verifyStream(events),
  };
}

/** The events that had occurred by a moment: the stream's prefix up to it. */
export function eventsUntil(events: readonly RecordedEvent[], asOf: Date): RecordedEvent[] {
  const until = asOf.toISOString();
  const end = events.findIndex((event) => event.metadata.occurredAt > until);
  return end < 0 ? [...events] : events.slice(0, end);
}

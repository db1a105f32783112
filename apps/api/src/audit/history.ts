import { type Decider, upcast } from '@app/domain';
import { type EventMetadata, type RecordedEvent, storedRecordOf, verifyStream } from '@app/event-store';
import { ApiProperty } from '@nestjs/swagger';
import { EventMetadataView } from '../events/event-message.dto';

export class HistoryEntryView {
  @ApiProperty({ type: 'integer', minimum: 0 }) revision!: number;
  @ApiProperty({ description: 'Global log position' }) position!: string;
  @ApiProperty() type!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data as written, personal fields opened (null, with `erased`, once erased)",
  })
  data!: Record<string, unknown>;
  @ApiProperty({ type: EventMetadataView })
  metadata!: EventMetadata;
  @ApiProperty({ type: Object, description: 'The state after this event, folded with the domain evolve' })
  stateAfter!: unknown;
}

export class IntegrityView {
  @ApiProperty({ description: "True when the stream's hash chain holds" }) verified!: boolean;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The first revision where it breaks' })
  brokenAt!: number | null;
}

type HistoryEntry<V> = Omit<HistoryEntryView, 'stateAfter'> & { stateAfter: V };

/**
 * Every event of a stream with the state after it, and whether its tamper-evidence chain holds. Events are
 * shown as written, personal fields opened (null once erased); the chain is checked over the records as
 * stored, sealed (GET /audit/records has them). The states are folded in the current schema.
 */
export async function historyOf<S, E, V>(
  stored: readonly RecordedEvent[],
  decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve'>,
  view: (state: S, event: RecordedEvent) => V | Promise<V>,
): Promise<{ events: HistoryEntry<V>[]; integrity: IntegrityView }> {
  let state = decider.initialState();
  const events: HistoryEntry<V>[] = [];
  for (const event of stored) {
    state = decider.evolve(state, upcast(event) as unknown as E);
    events.push({
      revision: event.revision,
      position: event.position.toString(),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      stateAfter: await view(state, event),
    });
  }
  // The chain is over the records as stored, personal data sealed; the entries show it opened.
  return { events, integrity: verifyStream(stored.map(storedRecordOf)) };
}

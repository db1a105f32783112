import {
  EVENT_SCHEMA_VERSIONS,
  apiKeyStream,
  isAccessEvent,
  isScoringEvent,
  SCORING_RULES_STREAM,
  type SalesEvent,
  dealStream,
  isDealEvent,
  isLeadEvent,
  leadStream,
  pipelineStream,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';

/**
 * Records domain events (in the current schema) as the store would: streams by aggregate, per-stream revisions, increasing
 * positions, one minute apart from `start`.
 */
export function recorded(events: readonly SalesEvent[], start = Date.UTC(2026, 2, 1)): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((event, index) => {
    const streamId = isLeadEvent(event)
      ? leadStream(event.data.leadId)
      : isDealEvent(event)
        ? dealStream(event.data.dealId)
        : isAccessEvent(event)
          ? apiKeyStream(event.data.keyId)
          : isScoringEvent(event)
            ? SCORING_RULES_STREAM
            : pipelineStream(event.data.pipelineId);
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return {
      id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      streamId,
      revision,
      position: BigInt(index + 1),
      type: event.type,
      data: { ...event.data },
      metadata: {
        occurredAt: new Date(start + index * 60_000).toISOString(),
        actor: 'test',
        correlationId: 'c',
        causationId: 'c',
        schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
      },
    };
  });
}

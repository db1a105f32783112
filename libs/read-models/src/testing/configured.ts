import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../projection';

/**
 * The projection a runner ends with after these events: a configurable one replaced at each event that
 * changes its configuration. Folded over the whole log, it gives the documents the runner ends with, since
 * each replacement is rebuilt from the start of the log.
 */
export function configuredBy(projection: Projection, events: readonly RecordedEvent[]): Projection {
  let current = projection;
  for (const event of events) current = current.configuration?.next(event) ?? current;
  return current;
}

/** Each projection as configuredBy the events. */
export const allConfiguredBy = (
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
): Projection[] => projections.map((projection) => configuredBy(projection, events));

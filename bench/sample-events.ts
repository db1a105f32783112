import { randomUUID } from 'node:crypto';
import { type NewEvent, timeOrderedUuid } from '@app/event-store';

/** A LeadCaptured event as the service would append it (time-ordered ids), the n-th of a benchmark. */
export const leadCaptured = (n: number): NewEvent => ({
  id: timeOrderedUuid(),
  type: 'LeadCaptured',
  data: {
    leadId: timeOrderedUuid(),
    name: `Lead ${n}`,
    email: `lead${n}@example.com`,
    source: 'web_form',
    tags: ['bench'],
    capturedAt: new Date().toISOString(),
  },
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: 'bench',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
  },
});

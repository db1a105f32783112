import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';

/** A LeadCaptured event as the service would append it, the n-th of a benchmark. */
export const leadCaptured = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'LeadCaptured',
  data: {
    leadId: randomUUID(),
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

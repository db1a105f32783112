import { type CapturedLead, evolveLead, initialLeadState, isLeadEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

export const LEADS = 'leads';

/**
 * A lead as lists show it: its current state (folded with the domain's own evolve) and its revision.
 * Version 2: leads carry their owner.
 */
export type LeadDoc = Doc & CapturedLead & { readonly revision: number };

const ref = (event: RecordedEvent): DocRef => ({
  collection: LEADS,
  id: event.streamId.slice('lead-'.length),
});

export const leadListProjection: Projection = {
  name: 'lead-list',
  version: 2,
  collections: [
    {
      name: LEADS,
      indexes: [
        { field: 'status' },
        { field: 'source' },
        { field: 'owner' },
        { field: 'capturedAt' },
        { field: 'tags', multi: true },
      ],
    },
  ],
  touches: (event) => (isLeadEvent(event) ? [ref(event)] : []),
  evolve(event: RecordedEvent, docs: DocLookup): DocChange[] {
    if (!isLeadEvent(event)) return [];
    const { collection, id } = ref(event);
    const current = docs(collection, id) as LeadDoc | undefined;
    const next = evolveLead(current ?? initialLeadState(), event);
    if (next.status === 'none') return [];
    return [{ collection, id, doc: { ...next, id, revision: event.revision } }];
  },
};

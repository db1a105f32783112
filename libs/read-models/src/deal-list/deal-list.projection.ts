import {
  type ExistingDeal,
  type LeadErased,
  dealIdForLead,
  evolveDeal,
  initialDealState,
  isDealEvent,
  lastTouchedAt,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

export const DEALS = 'deals';

/**
 * A deal as lists show it: its current state (folded with the domain's own evolve), its revision, and when it
 * was last touched (indexed: rotting deals are found by it).
 * Version 2: deals carry their pipeline and probability override. Version 3: interactions, stageEnteredAt,
 * lastTouchedAt.
 */
export type DealDoc = Doc & ExistingDeal & { readonly revision: number; readonly lastTouchedAt: string };

const ref = (event: RecordedEvent): DocRef => ({
  collection: DEALS,
  id: event.streamId.slice('deal-'.length),
});

export const dealListProjection: Projection = {
  name: 'deal-list',
  version: 3,
  collections: [
    {
      name: DEALS,
      indexes: [
        { field: 'status' },
        { field: 'pipelineId' },
        { field: 'stage' },
        { field: 'owner' },
        { field: 'leadId' },
        { field: 'createdAt' },
        { field: 'lastTouchedAt' },
        { field: 'createdAt', after: ['status'] },
      ],
    },
  ],
  touches: (event) =>
    isDealEvent(event)
      ? [ref(event)]
      : isLeadErased(event)
        ? [{ collection: DEALS, id: dealIdForLead(event.data.leadId) }]
        : [],
  evolve(event: RecordedEvent, docs: DocLookup): DocChange[] {
    if (isLeadErased(event)) return titleErased(event, docs);
    if (!isDealEvent(event)) return [];
    const { collection, id } = ref(event);
    const current = docs(collection, id) as DealDoc | undefined;
    const next = evolveDeal(current ?? initialDealState(), event);
    if (next.status === 'none') return [];
    return [
      {
        collection,
        id,
        doc: { ...next, id, revision: event.revision, lastTouchedAt: lastTouchedAt(next) },
      },
    ];
  },
};

const isLeadErased = (event: RecordedEvent): event is RecordedEvent & LeadErased =>
  event.type === 'LeadErased';

/**
 * A lead's erasure purges the title of its deal (the lead's personal data) from the list at once. The deal's
 * own events, read after the erasure, open the title as null too, so a rebuild agrees.
 */
function titleErased(event: RecordedEvent & LeadErased, docs: DocLookup): DocChange[] {
  const id = dealIdForLead(event.data.leadId);
  const deal = docs(DEALS, id) as DealDoc | undefined;
  return deal && deal.title !== null ? [{ collection: DEALS, id, doc: { ...deal, title: null } }] : [];
}

/** What evolveDeal needs of a deal to go on folding it, and what counting rotting deals reads. */
const KEPT_FOR_COUNTS = [
  'id',
  'dealId',
  'leadId',
  'status',
  'pipelineId',
  'stage',
  'owner',
  'createdAt',
  'closedAt',
  'reopenedAt',
  'stageEnteredAt',
  'lastTouchedAt',
  'revision',
] as const;

/**
 * The deal list with only what the pipeline report's rotting counts read, for as-of folds: the same name and
 * the same fields for those queries, without titles, notes or activities, so that folding the log up to a
 * moment holds a fraction of the memory. The store keeps the whole documents (dealListProjection).
 */
export const dealCountsProjection: Projection = {
  ...dealListProjection,
  readsPersonalData: false,
  evolve(event: RecordedEvent, docs: DocLookup): DocChange[] {
    return dealListProjection.evolve(event, docs).map((change) => {
      if (change.doc === null) return change;
      const doc = change.doc as DealDoc;
      const slim: Record<string, unknown> = {};
      for (const field of KEPT_FOR_COUNTS) slim[field] = doc[field];
      slim['interactions'] = {
        activities: {},
        engagements: [],
        lastActivityAt: doc.interactions.lastActivityAt,
      };
      return { ...change, doc: slim as Doc };
    });
  },
};

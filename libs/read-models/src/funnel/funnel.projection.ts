import { type DealStatus, type Money, isDealEvent, isLeadEvent, isInteractionEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';
import { storedInstant } from '../report-values';

export const FUNNEL_LEADS = 'funnel_leads';
export const FUNNEL_DEALS = 'funnel_deals';
export const FUNNEL_BUCKETS = 'funnel_buckets';

/** One lead's way through the funnel: what the report adds up for the leads of a partly selected day. */
export interface FunnelLeadDoc extends Doc {
  readonly id: string;
  readonly source: string;
  /** ISO instant in the form toISOString writes, so that string order is time order. */
  readonly capturedAt: string;
  /** UTC day of capture, YYYY-MM-DD: the lead's bucket. */
  readonly day: string;
  readonly qualified: boolean;
  readonly disqualified: boolean;
  readonly dealId: string | null;
  readonly deal: DealStatus | null;
  readonly wonValue: Money | null;
}

/** Leads a deal back to its lead: DealWon and DealLost name only the deal. */
export interface FunnelDealDoc extends Doc {
  readonly id: string;
  readonly leadId: string;
}

export interface FunnelCounts {
  readonly captured: number;
  readonly qualified: number;
  readonly disqualified: number;
  readonly dealsCreated: number;
  readonly won: number;
  readonly lost: number;
}

export type FunnelPeriod = 'day' | 'month' | 'all';

/**
 * The leads of one source captured in one period (a UTC day, a UTC month, or all time), and everything that
 * became of them (a cohort): the report adds up whole periods from these instead of reading every lead.
 */
export interface FunnelBucketDoc extends Doc, FunnelCounts {
  readonly id: string;
  readonly source: string;
  readonly period: FunnelPeriod;
  /** The period: YYYY-MM-DD for a day, YYYY-MM for a month, * for all time. */
  readonly day: string;
  /** `<period>:<day>`: one index orders every bucket of a kind by time, for range queries. */
  readonly key: string;
  /** Summed value of the won deals, per currency. */
  readonly wonValues: Readonly<Record<string, number>>;
  /**
   * Won deals per currency (version 3): a currency leaves wonValues when its last won deal is reopened, and
   * stays while it has one, even one won at 0.
   */
  readonly wonDeals: Readonly<Record<string, number>>;
}

export const funnelBucketId = (source: string, day: string): string => `${source}|${day}`;

/** The periods a lead captured on this day counts in: its day, its month, all time. */
const periodsOf = (day: string): [FunnelPeriod, string][] => [
  ['day', day],
  ['month', day.slice(0, 7)],
  ['all', '*'],
];

const leadRef = (leadId: string): DocRef => ({ collection: FUNNEL_LEADS, id: leadId });
const dealRef = (dealId: string): DocRef => ({ collection: FUNNEL_DEALS, id: dealId });
const bucketRefs = (source: string, day: string): DocRef[] =>
  periodsOf(day).map(([, period]) => ({ collection: FUNNEL_BUCKETS, id: funnelBucketId(source, period) }));

const findLead = (docs: DocLookup | undefined, leadId: string) =>
  docs?.(FUNNEL_LEADS, leadId) as FunnelLeadDoc | undefined;
const findDeal = (docs: DocLookup | undefined, dealId: string) =>
  docs?.(FUNNEL_DEALS, dealId) as FunnelDealDoc | undefined;

/** A lead, and its buckets once the lead is loaded: the bucket ids are on the lead, not in the event. */
function leadAndBucket(lookup: DocLookup | undefined, leadId: string): DocRef[] {
  const lead = findLead(lookup, leadId);
  return lead ? [leadRef(leadId), ...bucketRefs(lead.source, lead.day)] : [leadRef(leadId)];
}

function touches(event: RecordedEvent, lookup?: DocLookup): readonly DocRef[] {
  if (!isLeadEvent(event) && !isDealEvent(event)) return [];
  if (isInteractionEvent(event)) return [];
  switch (event.type) {
    case 'LeadCaptured': {
      const capturedAt = storedInstant(event.data.capturedAt);
      const lead = leadRef(event.data.leadId);
      return capturedAt === undefined
        ? [lead]
        : [lead, ...bucketRefs(event.data.source, capturedAt.slice(0, 10))];
    }
    case 'LeadQualified':
    case 'LeadDisqualified':
    case 'LeadReactivated':
      return leadAndBucket(lookup, event.data.leadId);
    case 'LeadContactCorrected':
    case 'LeadInterestChanged':
    case 'LeadTagsChanged':
    case 'LeadOwnerChanged':
    case 'LeadErased':
      return [];
    case 'DealCreated':
      return [dealRef(event.data.dealId), ...leadAndBucket(lookup, event.data.leadId)];
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealValueChanged':
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
    case 'DealMovedToPipeline':
      return [];
    case 'DealWon':
    case 'DealLost':
    case 'DealReopened': {
      const deal = findDeal(lookup, event.data.dealId);
      return deal ? [dealRef(deal.id), ...leadAndBucket(lookup, deal.leadId)] : [dealRef(event.data.dealId)];
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

const put = (collection: string, doc: Doc): DocChange => ({ collection, id: doc.id, doc });

function bucketsOf(docs: DocLookup, lead: FunnelLeadDoc): FunnelBucketDoc[] {
  return periodsOf(lead.day).map(([period, day]) => {
    const id = funnelBucketId(lead.source, day);
    return (
      (docs(FUNNEL_BUCKETS, id) as FunnelBucketDoc | undefined) ?? {
        id,
        source: lead.source,
        period,
        day,
        key: `${period}:${day}`,
        captured: 0,
        qualified: 0,
        disqualified: 0,
        dealsCreated: 0,
        won: 0,
        lost: 0,
        wonValues: {},
        wonDeals: {},
      }
    );
  });
}

/** A bucket's won values with a won deal of this value added (sign 1) or taken out (sign -1). */
function wonAfter(
  bucket: FunnelBucketDoc,
  { amount, currency }: Money,
  sign: 1 | -1,
): Pick<FunnelBucketDoc, 'wonValues' | 'wonDeals'> {
  const deals = (bucket.wonDeals[currency] ?? 0) + sign;
  const { [currency]: _value, ...wonValues } = bucket.wonValues;
  const { [currency]: _deals, ...wonDeals } = bucket.wonDeals;
  return deals > 0
    ? {
        wonValues: { ...wonValues, [currency]: (bucket.wonValues[currency] ?? 0) + sign * amount },
        wonDeals: { ...wonDeals, [currency]: deals },
      }
    : { wonValues, wonDeals };
}

/** The lead's buckets with one more (sign 1) or one less (sign -1) of this step, and of this won value. */
const counted = (
  docs: DocLookup,
  lead: FunnelLeadDoc,
  counter: keyof FunnelCounts,
  sign: 1 | -1 = 1,
  won?: Money,
): DocChange[] =>
  bucketsOf(docs, lead).map((bucket) =>
    put(FUNNEL_BUCKETS, {
      ...bucket,
      [counter]: bucket[counter] + sign,
      ...(won ? wonAfter(bucket, won, sign) : {}),
    }),
  );

/** The lead with this change, and its buckets with one more (or, sign -1, one less) of this step. */
const step = (
  docs: DocLookup,
  lead: FunnelLeadDoc,
  change: Partial<FunnelLeadDoc>,
  counter: keyof FunnelCounts,
  sign: 1 | -1 = 1,
): DocChange[] => [put(FUNNEL_LEADS, { ...lead, ...change }), ...counted(docs, lead, counter, sign)];

/** The lead of the deal, or undefined when the deal or lead is unknown. */
function dealLead(docs: DocLookup, dealId: string): FunnelLeadDoc | undefined {
  const deal = findDeal(docs, dealId);
  const lead = deal && findLead(docs, deal.leadId);
  return lead?.dealId === dealId ? lead : undefined;
}

/** The lead of a deal that is still open, or undefined when the deal or lead is unknown or already closed. */
function openDealLead(docs: DocLookup, dealId: string): FunnelLeadDoc | undefined {
  const lead = dealLead(docs, dealId);
  return lead?.deal === 'open' ? lead : undefined;
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  if (!isLeadEvent(event) && !isDealEvent(event)) return [];
  if (isInteractionEvent(event)) return [];
  switch (event.type) {
    case 'LeadCaptured': {
      const { leadId, source } = event.data;
      const capturedAt = storedInstant(event.data.capturedAt);
      if (capturedAt === undefined || findLead(docs, leadId)) return [];
      const lead: FunnelLeadDoc = {
        id: leadId,
        source,
        capturedAt,
        day: capturedAt.slice(0, 10),
        qualified: false,
        disqualified: false,
        dealId: null,
        deal: null,
        wonValue: null,
      };
      return [put(FUNNEL_LEADS, lead), ...counted(docs, lead, 'captured')];
    }
    case 'LeadQualified':
    case 'LeadDisqualified': {
      const lead = findLead(docs, event.data.leadId);
      // The verdicts exclude each other, and only a reactivation undoes one: a second verdict changes nothing.
      if (!lead || lead.qualified || lead.disqualified) return [];
      return event.type === 'LeadQualified'
        ? step(docs, lead, { qualified: true }, 'qualified')
        : step(docs, lead, { disqualified: true }, 'disqualified');
    }
    case 'LeadReactivated': {
      // Worked again: no longer counted disqualified, and free to be qualified or disqualified anew.
      const lead = findLead(docs, event.data.leadId);
      return lead?.disqualified ? step(docs, lead, { disqualified: false }, 'disqualified', -1) : [];
    }
    case 'LeadContactCorrected':
    case 'LeadInterestChanged':
    case 'LeadTagsChanged':
    case 'LeadOwnerChanged':
    case 'LeadErased':
      return [];
    case 'DealCreated': {
      const { dealId, leadId } = event.data;
      const lead = findLead(docs, leadId);
      if (!lead || lead.dealId !== null || findDeal(docs, dealId)) return [];
      return [
        put(FUNNEL_DEALS, { id: dealId, leadId }),
        ...step(docs, lead, { dealId, deal: 'open' }, 'dealsCreated'),
      ];
    }
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealValueChanged':
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
    case 'DealMovedToPipeline':
      return [];
    case 'DealWon': {
      const lead = openDealLead(docs, event.data.dealId);
      if (!lead) return [];
      const { amount, currency } = event.data.value;
      return [
        put(FUNNEL_LEADS, { ...lead, deal: 'won', wonValue: { amount, currency } }),
        ...counted(docs, lead, 'won', 1, { amount, currency }),
      ];
    }
    case 'DealLost': {
      const lead = openDealLead(docs, event.data.dealId);
      return lead ? step(docs, lead, { deal: 'lost' }, 'lost') : [];
    }
    case 'DealReopened': {
      // Open again: no longer counted won (nor its value) or lost, until it closes again.
      const lead = dealLead(docs, event.data.dealId);
      if (lead?.deal === 'won') {
        return [
          put(FUNNEL_LEADS, { ...lead, deal: 'open', wonValue: null }),
          ...counted(docs, lead, 'won', -1, lead.wonValue ?? undefined),
        ];
      }
      return lead?.deal === 'lost' ? step(docs, lead, { deal: 'open' }, 'lost', -1) : [];
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/**
 * Lead-source conversion funnel, by source and UTC day, month and all time of capture. Every step is counted
 * for the lead's source and capture periods, so that "from/to" selects leads by capture time and follows them
 * to the end.
 */
export const funnelProjection: Projection = {
  readsPersonalData: false,
  name: 'funnel',
  version: 3,
  collections: [
    { name: FUNNEL_LEADS, indexes: [{ field: 'capturedAt' }] },
    { name: FUNNEL_DEALS, indexes: [] },
    { name: FUNNEL_BUCKETS, indexes: [{ field: 'key' }, { field: 'source' }] },
  ],
  touches,
  evolve,
};

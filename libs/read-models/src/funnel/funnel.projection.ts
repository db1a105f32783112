import { type DealStatus, type Money, isDealEvent, isLeadEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

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
}

export const funnelBucketId = (source: string, day: string): string => `${source}|${day}`;

/** The periods a lead captured on this day counts in: its day, its month, all time. */
const periodsOf = (day: string): [FunnelPeriod, string][] => [
  ['day', day],
  ['month', day.slice(0, 7)],
  ['all', '*'],
];

/** An ISO instant rewritten as toISOString writes it, or undefined when it is not a time at all. */
export function utcInstant(value: string): string | undefined {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

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
  switch (event.type) {
    case 'LeadCaptured': {
      const capturedAt = utcInstant(event.data.capturedAt);
      const lead = leadRef(event.data.leadId);
      return capturedAt === undefined
        ? [lead]
        : [lead, ...bucketRefs(event.data.source, capturedAt.slice(0, 10))];
    }
    case 'LeadQualified':
    case 'LeadDisqualified':
      return leadAndBucket(lookup, event.data.leadId);
    case 'DealCreated':
      return [dealRef(event.data.dealId), ...leadAndBucket(lookup, event.data.leadId)];
    case 'StageAdvanced':
      return [];
    case 'DealWon':
    case 'DealLost': {
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
      }
    );
  });
}

/** The lead's buckets with one more of this step (and this won value). */
const counted = (
  docs: DocLookup,
  lead: FunnelLeadDoc,
  counter: keyof FunnelCounts,
  won?: Money,
): DocChange[] =>
  bucketsOf(docs, lead).map((bucket) =>
    put(FUNNEL_BUCKETS, {
      ...bucket,
      [counter]: bucket[counter] + 1,
      ...(won
        ? {
            wonValues: {
              ...bucket.wonValues,
              [won.currency]: (bucket.wonValues[won.currency] ?? 0) + won.amount,
            },
          }
        : {}),
    }),
  );

/** The lead with this change, and its buckets with one more of this step. */
const step = (
  docs: DocLookup,
  lead: FunnelLeadDoc,
  change: Partial<FunnelLeadDoc>,
  counter: keyof FunnelCounts,
): DocChange[] => [put(FUNNEL_LEADS, { ...lead, ...change }), ...counted(docs, lead, counter)];

/** The lead of a deal that is still open, or undefined when the deal or lead is unknown or already closed. */
function openDealLead(docs: DocLookup, dealId: string): FunnelLeadDoc | undefined {
  const deal = findDeal(docs, dealId);
  const lead = deal && findLead(docs, deal.leadId);
  return lead?.dealId === dealId && lead.deal === 'open' ? lead : undefined;
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  if (!isLeadEvent(event) && !isDealEvent(event)) return [];
  switch (event.type) {
    case 'LeadCaptured': {
      const { leadId, source } = event.data;
      const capturedAt = utcInstant(event.data.capturedAt);
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
      // Qualified and disqualified are final and exclude each other: a second verdict changes nothing.
      if (!lead || lead.qualified || lead.disqualified) return [];
      return event.type === 'LeadQualified'
        ? step(docs, lead, { qualified: true }, 'qualified')
        : step(docs, lead, { disqualified: true }, 'disqualified');
    }
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
      return [];
    case 'DealWon': {
      const lead = openDealLead(docs, event.data.dealId);
      if (!lead) return [];
      const { amount, currency } = event.data.value;
      return [
        put(FUNNEL_LEADS, { ...lead, deal: 'won', wonValue: { amount, currency } }),
        ...counted(docs, lead, 'won', { amount, currency }),
      ];
    }
    case 'DealLost': {
      const lead = openDealLead(docs, event.data.dealId);
      return lead ? step(docs, lead, { deal: 'lost' }, 'lost') : [];
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
  name: 'funnel',
  version: 2,
  collections: [
    { name: FUNNEL_LEADS, indexes: [{ field: 'capturedAt' }] },
    { name: FUNNEL_DEALS, indexes: [] },
    { name: FUNNEL_BUCKETS, indexes: [{ field: 'key' }, { field: 'source' }] },
  ],
  touches,
  evolve,
};

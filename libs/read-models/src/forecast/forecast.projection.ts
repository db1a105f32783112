import { type DealStatus, isDealEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';
import { storedInstant } from '../report-values';

export const FORECAST_DEALS = 'forecast_deals';

/** A deal as the forecast needs it: where it is, when it should close, what it is worth, whether it was won. */
export interface ForecastDeal {
  readonly id: string;
  readonly pipelineId: string;
  readonly stage: string;
  /** null: no owner. */
  readonly owner: string | null;
  /** YYYY-MM-DD. */
  readonly expectedCloseDate: string;
  /** Minor units. While open, the deal's value; once won or lost, the value it closed with. */
  readonly amount: number;
  readonly currency: string;
  /** The deal's own win probability (whole percent); null: its stage's applies. */
  readonly probabilityOverride: number | null;
  readonly status: DealStatus;
  /** When it was won, as toISOString writes it; null unless it is won now. */
  readonly wonAt: string | null;
}

export interface ForecastDealDoc extends Doc, ForecastDeal {
  /**
   * `<pipelineId>|<expectedCloseDate>`, present only while the deal is open: one range query reads the open
   * deals of a pipeline closing in a period, and skips the closed ones.
   */
  readonly pipelineCloses?: string;
  /** `<pipelineId>|<wonAt>`, present only while the deal is won: likewise for the wins of a period. */
  readonly pipelineWon?: string;
}

/** The key of the range indexes: pipeline ids are slugs, so `|` never occurs in one. */
export const forecastKey = (pipelineId: string, time: string): string => `${pipelineId}|${time}`;

/** The document with its range keys derived from its status, so that they can never disagree with it. */
function keyed(deal: ForecastDeal): ForecastDealDoc {
  return {
    ...deal,
    ...(deal.status === 'open'
      ? { pipelineCloses: forecastKey(deal.pipelineId, deal.expectedCloseDate) }
      : {}),
    ...(deal.status === 'won' && deal.wonAt !== null
      ? { pipelineWon: forecastKey(deal.pipelineId, deal.wonAt) }
      : {}),
  };
}

function fieldsOf(doc: ForecastDealDoc): ForecastDeal {
  const { pipelineCloses: _closes, pipelineWon: _won, ...deal } = doc;
  return deal;
}

const ref = (dealId: string): DocRef => ({ collection: FORECAST_DEALS, id: dealId });
const put = (doc: ForecastDealDoc): DocChange => ({ collection: FORECAST_DEALS, id: doc.id, doc });

function touches(event: RecordedEvent): readonly DocRef[] {
  return isDealEvent(event) && event.type !== 'DealTitleChanged' ? [ref(event.data.dealId)] : [];
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  // A title is not part of the forecast: its document is neither named nor read.
  if (!isDealEvent(event) || event.type === 'DealTitleChanged') return [];
  const doc = docs(FORECAST_DEALS, event.data.dealId) as ForecastDealDoc | undefined;
  /** The known deal with these fields changed; nothing for a deal never created. */
  const change = (fields: Partial<ForecastDeal>): DocChange[] =>
    doc ? [put(keyed({ ...fieldsOf(doc), ...fields }))] : [];
  switch (event.type) {
    case 'DealCreated': {
      if (doc) return [];
      const { dealId, pipelineId, stage, owner, expectedCloseDate, value } = event.data;
      return [
        put(
          keyed({
            id: dealId,
            pipelineId,
            stage,
            owner: owner ?? null,
            expectedCloseDate,
            amount: value.amount,
            currency: value.currency,
            probabilityOverride: null,
            status: 'open',
            wonAt: null,
          }),
        ),
      ];
    }
    case 'StageAdvanced':
    case 'StageReverted':
      return change({ stage: event.data.to });
    case 'DealWon':
    case 'DealLost': {
      // Only an open deal closes; a second close without a reopen in between is ignored.
      if (doc?.status !== 'open') return [];
      const { value, stage } = event.data;
      const closed = { amount: value.amount, currency: value.currency, stage };
      return event.type === 'DealWon'
        ? change({
            ...closed,
            status: 'won',
            wonAt: storedInstant(event.data.wonAt) ?? event.metadata.occurredAt,
          })
        : change({ ...closed, status: 'lost', wonAt: null });
    }
    case 'DealReopened':
      // Open again in the stage it closed in: a reopened win no longer counts as won.
      return doc && doc.status !== 'open'
        ? change({ status: 'open', wonAt: null, stage: event.data.stage })
        : [];
    case 'DealValueChanged':
      return change({ amount: event.data.to.amount, currency: event.data.to.currency });
    case 'DealExpectedCloseDateChanged':
      return change({ expectedCloseDate: event.data.to });
    case 'DealOwnerChanged':
      return change({ owner: event.data.to });
    case 'DealProbabilityOverrideChanged':
      return change({ probabilityOverride: event.data.to });
    case 'DealMovedToPipeline':
      return change({ pipelineId: event.data.to.pipelineId, stage: event.data.to.stage });
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/**
 * Forecast by expected close month: one document per deal, range-indexed by pipeline and expected close date
 * while open and by pipeline and win time while won. Probabilities are not stored: the report weighs with
 * those in effect at its moment, so a stage re-weighted later changes no document here.
 */
export const forecastProjection: Projection = {
  name: 'forecast',
  version: 1,
  collections: [{ name: FORECAST_DEALS, indexes: [{ field: 'pipelineCloses' }, { field: 'pipelineWon' }] }],
  touches,
  evolve,
};

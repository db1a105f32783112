import { isDealEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';
import { storedInstant } from '../report-values';

export const LOSSES_DEALS = 'losses_deals';

/** How a deal was lost, as its DealLost event states it. */
export interface LossesLoss {
  /** The pipeline it was lost in (a closed deal does not move). */
  readonly pipelineId: string;
  readonly stage: string;
  /** As written: reasons are grouped exactly. */
  readonly reason: string;
  /** null: none named. */
  readonly competitor: string | null;
  readonly amount: number;
  readonly currency: string;
}

/**
 * A deal: its pipeline (DealLost does not name it), and its loss while it is lost. A reopened deal drops its
 * loss; lost again, it holds the new one, so that a deal counts once, with its last loss.
 */
export interface LossesDealDoc extends Doc {
  readonly id: string;
  readonly pipelineId: string;
  readonly loss: LossesLoss | null;
  /** When it was lost, as toISOString writes it; present only while lost, so a range skips the others. */
  readonly lostAt?: string;
}

const ref = (dealId: string): DocRef => ({ collection: LOSSES_DEALS, id: dealId });
const put = (doc: LossesDealDoc): DocChange => ({ collection: LOSSES_DEALS, id: doc.id, doc });

function touches(event: RecordedEvent): readonly DocRef[] {
  if (!isDealEvent(event)) return [];
  switch (event.type) {
    case 'DealCreated':
    case 'DealMovedToPipeline':
    case 'DealLost':
    case 'DealReopened':
      return [ref(event.data.dealId)];
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealWon':
    case 'DealValueChanged':
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
      // DealLost states the stage and value it was lost with: nothing else matters here.
      return [];
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

function evolve(event: RecordedEvent, docs: DocLookup): readonly DocChange[] {
  if (!isDealEvent(event)) return [];
  switch (event.type) {
    case 'DealCreated': {
      const { dealId, pipelineId } = event.data;
      if (docs(LOSSES_DEALS, dealId)) return [];
      return [put({ id: dealId, pipelineId, loss: null })];
    }
    case 'DealMovedToPipeline': {
      const doc = docs(LOSSES_DEALS, event.data.dealId) as LossesDealDoc | undefined;
      return doc ? [put({ ...doc, pipelineId: event.data.to.pipelineId })] : [];
    }
    case 'DealLost': {
      const doc = docs(LOSSES_DEALS, event.data.dealId) as LossesDealDoc | undefined;
      // A deal already lost is lost again only after a reopen: a repeated DealLost is ignored.
      if (!doc || doc.loss) return [];
      const { stage, reason, competitor, value } = event.data;
      return [
        put({
          id: doc.id,
          pipelineId: doc.pipelineId,
          loss: {
            pipelineId: doc.pipelineId,
            stage,
            reason,
            competitor: competitor ?? null,
            amount: value.amount,
            currency: value.currency,
          },
          lostAt: storedInstant(event.data.lostAt) ?? event.metadata.occurredAt,
        }),
      ];
    }
    case 'DealReopened': {
      const doc = docs(LOSSES_DEALS, event.data.dealId) as LossesDealDoc | undefined;
      return doc?.loss ? [put({ id: doc.id, pipelineId: doc.pipelineId, loss: null })] : [];
    }
    case 'StageAdvanced':
    case 'StageReverted':
    case 'DealWon':
    case 'DealValueChanged':
    case 'DealTitleChanged':
    case 'DealExpectedCloseDateChanged':
    case 'DealOwnerChanged':
    case 'DealProbabilityOverrideChanged':
      return [];
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** Losses by reason, stage and competitor: one document per deal, range-indexed by loss time while lost. */
export const lossesProjection: Projection = {
  name: 'losses',
  version: 1,
  collections: [{ name: LOSSES_DEALS, indexes: [{ field: 'lostAt' }] }],
  touches,
  evolve,
};

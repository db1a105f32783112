import type { Interaction } from '../interactions/interactions';
import type { LeadState } from '../lead/lead.state';
import type { PipelineState } from '../pipeline/pipeline.state';
import type { DomainCommand } from '../shared/message';
import type { Money } from '../shared/values';

export type CreateDeal = DomainCommand<
  'CreateDeal',
  {
    readonly dealId: string;
    readonly leadId: string;
    readonly pipelineId: string;
    readonly title: string;
    readonly value: Money;
    readonly expectedCloseDate: string;
    readonly owner?: string;
    /** An active stage of the pipeline; its first active stage when absent. */
    readonly stage?: string;
    /** The lead as the caller found it: a deal needs a qualified lead. */
    readonly lead: LeadState;
    /** The pipeline the deal is created in, as the caller found it. */
    readonly pipeline: PipelineState;
  }
>;

/** POST /deals/{id}/advance: forward only. */
export type AdvanceStage = DomainCommand<
  'AdvanceStage',
  { readonly dealId: string; readonly stage: string; readonly pipeline: PipelineState }
>;

/** Any active stage of the deal's pipeline: forward advances, backward reverts. */
export type MoveDealToStage = DomainCommand<
  'MoveDealToStage',
  {
    readonly dealId: string;
    readonly stage: string;
    readonly reason?: string;
    readonly pipeline: PipelineState;
  }
>;

/** Merge semantics: each field given and different from the deal's is changed; null clears owner and probability. */
export type UpdateDeal = DomainCommand<
  'UpdateDeal',
  {
    readonly dealId: string;
    readonly title?: string;
    readonly value?: Money;
    readonly expectedCloseDate?: string;
    readonly owner?: string | null;
    readonly probability?: number | null;
  }
>;

export type WinDeal = DomainCommand<'WinDeal', { readonly dealId: string; readonly note?: string }>;

export type LoseDeal = DomainCommand<
  'LoseDeal',
  { readonly dealId: string; readonly reason: string; readonly competitor?: string; readonly note?: string }
>;

export type ReopenDeal = DomainCommand<'ReopenDeal', { readonly dealId: string; readonly reason: string }>;

export type MoveDealToPipeline = DomainCommand<
  'MoveDealToPipeline',
  {
    readonly dealId: string;
    /** An active stage of the target pipeline; its first active stage when absent. */
    readonly stage?: string;
    /** The target pipeline as the caller found it. */
    readonly pipeline: PipelineState;
    /** The target's id, for refusals when it does not exist. */
    readonly pipelineId: string;
  }
>;

/** A note or an activity on the deal. */
export type RecordDealInteraction = DomainCommand<
  'RecordDealInteraction',
  { readonly dealId: string; readonly interaction: Interaction }
>;

export type DealCommand =
  | RecordDealInteraction
  | CreateDeal
  | AdvanceStage
  | MoveDealToStage
  | UpdateDeal
  | WinDeal
  | LoseDeal
  | ReopenDeal
  | MoveDealToPipeline;

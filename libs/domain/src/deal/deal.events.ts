import type { InteractionEvent } from '../interactions/interactions';
import type { DomainEvent } from '../shared/message';
import type { Money } from '../shared/values';

/** Schema version 2: version 1 had no pipelineId (its deals are in the default pipeline; see deal.upcasters). */
export interface DealCreatedData {
  readonly dealId: string;
  readonly leadId: string;
  readonly pipelineId: string;
  /** The lead's personal data (see personal-data): null when read after the lead was erased. */
  readonly title: string | null;
  readonly value: Money;
  readonly expectedCloseDate: string;
  readonly owner?: string;
  readonly stage: string;
  readonly createdAt: string;
}

/** A move to a later stage of the deal's pipeline. */
export interface StageAdvancedData {
  readonly dealId: string;
  readonly from: string;
  readonly to: string;
  readonly advancedAt: string;
}

/** A move back to an earlier stage of the deal's pipeline. */
export interface StageRevertedData {
  readonly dealId: string;
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
  readonly revertedAt: string;
}

export interface DealWonData {
  readonly dealId: string;
  /** The deal's value when it was won. */
  readonly value: Money;
  /** The stage the deal was in when it was won. */
  readonly stage: string;
  readonly note?: string;
  readonly wonAt: string;
}

export interface DealLostData {
  readonly dealId: string;
  /** The deal's value when it was lost. */
  readonly value: Money;
  /** The stage the deal was in when it was lost. */
  readonly stage: string;
  readonly reason: string;
  readonly competitor?: string;
  readonly note?: string;
  readonly lostAt: string;
}

/** A change of one field of an open deal, with the value before and after, for auditors. */
interface FieldChange<T> {
  readonly dealId: string;
  readonly from: T;
  readonly to: T;
  readonly changedAt: string;
}

export type DealValueChangedData = FieldChange<Money>;
/**
 * The title is the lead's personal data (see personal-data): from/to read as null once the lead is erased. The
 * deal's lead is named from this version on, so that the title is sealed with the lead's key.
 */
export type DealTitleChangedData = FieldChange<string | null> & { readonly leadId?: string };
export type DealExpectedCloseDateChangedData = FieldChange<string>;
/** null: no owner. */
export type DealOwnerChangedData = FieldChange<string | null>;
/** The deal's own win probability, in place of its stage's; null: none, the stage's applies. */
export type DealProbabilityOverrideChangedData = FieldChange<number | null>;

export interface DealReopenedData {
  readonly dealId: string;
  readonly reason: string;
  /** How the deal had closed. */
  readonly from: 'won' | 'lost';
  /** The stage it closed in, which it is open in again. */
  readonly stage: string;
  readonly reopenedAt: string;
}

export interface DealMovedToPipelineData {
  readonly dealId: string;
  readonly from: { readonly pipelineId: string; readonly stage: string };
  readonly to: { readonly pipelineId: string; readonly stage: string };
  readonly movedAt: string;
}

export type DealCreated = DomainEvent<'DealCreated', DealCreatedData>;
export type StageAdvanced = DomainEvent<'StageAdvanced', StageAdvancedData>;
export type StageReverted = DomainEvent<'StageReverted', StageRevertedData>;
export type DealWon = DomainEvent<'DealWon', DealWonData>;
export type DealLost = DomainEvent<'DealLost', DealLostData>;
export type DealValueChanged = DomainEvent<'DealValueChanged', DealValueChangedData>;
export type DealTitleChanged = DomainEvent<'DealTitleChanged', DealTitleChangedData>;
export type DealExpectedCloseDateChanged = DomainEvent<
  'DealExpectedCloseDateChanged',
  DealExpectedCloseDateChangedData
>;
export type DealOwnerChanged = DomainEvent<'DealOwnerChanged', DealOwnerChangedData>;
export type DealProbabilityOverrideChanged = DomainEvent<
  'DealProbabilityOverrideChanged',
  DealProbabilityOverrideChangedData
>;
export type DealReopened = DomainEvent<'DealReopened', DealReopenedData>;
export type DealMovedToPipeline = DomainEvent<'DealMovedToPipeline', DealMovedToPipelineData>;

/** Notes and activities on the deal: DealNoteAdded, DealActivityScheduled, ... (see interactions). */
export type DealInteractionEvent = InteractionEvent<'Deal', 'dealId'>;

export type DealEvent =
  | DealInteractionEvent
  | DealCreated
  | StageAdvanced
  | StageReverted
  | DealWon
  | DealLost
  | DealValueChanged
  | DealTitleChanged
  | DealExpectedCloseDateChanged
  | DealOwnerChanged
  | DealProbabilityOverrideChanged
  | DealReopened
  | DealMovedToPipeline;

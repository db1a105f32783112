import type { DomainEvent } from '../shared/message';

/** A stage as a pipeline is defined or a stage added: its slug, display name, win probability and rotting period. */
export interface StageDefinition {
  /** Lowercase slug; never changes and is never reused in its pipeline, so history always resolves. */
  readonly stage: string;
  readonly name: string;
  /** Win probability in whole percent, 0 to 100: weighted value = value x probability / 100. */
  readonly probability: number;
  /** A deal untouched for longer than this many days in the stage is rotting; null: never. */
  readonly rottenAfterDays: number | null;
}

export interface PipelineDefinedData {
  readonly pipelineId: string;
  readonly name: string;
  /** In pipeline order. */
  readonly stages: readonly StageDefinition[];
  readonly definedAt: string;
}

export interface PipelineRenamedData {
  readonly pipelineId: string;
  readonly from: string;
  readonly to: string;
  readonly renamedAt: string;
}

export interface PipelineStageAddedData extends StageDefinition {
  readonly pipelineId: string;
  /** The stage it was put after. */
  readonly after: string;
  readonly addedAt: string;
}

export interface PipelineStageRenamedData {
  readonly pipelineId: string;
  readonly stage: string;
  readonly from: string;
  readonly to: string;
  readonly changedAt: string;
}

export interface PipelineStageProbabilityChangedData {
  readonly pipelineId: string;
  readonly stage: string;
  readonly from: number;
  readonly to: number;
  readonly changedAt: string;
}

export interface PipelineStageRottingPeriodChangedData {
  readonly pipelineId: string;
  readonly stage: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly changedAt: string;
}

export interface PipelineStagesReorderedData {
  readonly pipelineId: string;
  /** Every stage slug, retired ones included, in the order before and after. */
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly reorderedAt: string;
}

export interface PipelineStageRetiredData {
  readonly pipelineId: string;
  readonly stage: string;
  readonly retiredAt: string;
}

export type PipelineDefined = DomainEvent<'PipelineDefined', PipelineDefinedData>;
export type PipelineRenamed = DomainEvent<'PipelineRenamed', PipelineRenamedData>;
export type PipelineStageAdded = DomainEvent<'PipelineStageAdded', PipelineStageAddedData>;
export type PipelineStageRenamed = DomainEvent<'PipelineStageRenamed', PipelineStageRenamedData>;
export type PipelineStageProbabilityChanged = DomainEvent<
  'PipelineStageProbabilityChanged',
  PipelineStageProbabilityChangedData
>;
export type PipelineStageRottingPeriodChanged = DomainEvent<
  'PipelineStageRottingPeriodChanged',
  PipelineStageRottingPeriodChangedData
>;
export type PipelineStagesReordered = DomainEvent<'PipelineStagesReordered', PipelineStagesReorderedData>;
export type PipelineStageRetired = DomainEvent<'PipelineStageRetired', PipelineStageRetiredData>;

export type PipelineEvent =
  | PipelineDefined
  | PipelineRenamed
  | PipelineStageAdded
  | PipelineStageRenamed
  | PipelineStageProbabilityChanged
  | PipelineStageRottingPeriodChanged
  | PipelineStagesReordered
  | PipelineStageRetired;

import type { DomainCommand } from '../shared/message';

/** A stage as a caller describes it: the display name defaults to the slug in words. */
export interface StageInput {
  readonly stage: string;
  readonly name?: string;
  readonly probability: number;
  readonly rottenAfterDays?: number | null;
}

export type DefinePipeline = DomainCommand<
  'DefinePipeline',
  { readonly pipelineId: string; readonly name: string; readonly stages: readonly StageInput[] }
>;

export type RenamePipeline = DomainCommand<
  'RenamePipeline',
  { readonly pipelineId: string; readonly name: string }
>;

export type AddPipelineStage = DomainCommand<
  'AddPipelineStage',
  StageInput & {
    readonly pipelineId: string;
    /** The stage to put it after; the last stage when absent. */
    readonly after?: string;
  }
>;

/** Merge semantics: each field given and different from the stage's is changed (null clears rottenAfterDays). */
export type UpdatePipelineStage = DomainCommand<
  'UpdatePipelineStage',
  {
    readonly pipelineId: string;
    readonly stage: string;
    readonly name?: string;
    readonly probability?: number;
    readonly rottenAfterDays?: number | null;
  }
>;

export type ReorderPipelineStages = DomainCommand<
  'ReorderPipelineStages',
  { readonly pipelineId: string; readonly stages: readonly string[] }
>;

export type RetirePipelineStage = DomainCommand<
  'RetirePipelineStage',
  { readonly pipelineId: string; readonly stage: string }
>;

export type PipelineCommand =
  | DefinePipeline
  | RenamePipeline
  | AddPipelineStage
  | UpdatePipelineStage
  | ReorderPipelineStages
  | RetirePipelineStage;

import type { PipelineEvent, StageDefinition } from './pipeline.events';

/** A stage of a pipeline as it stands: retired stages take no new deals but stay, so history resolves. */
export interface PipelineStage extends StageDefinition {
  readonly retired: boolean;
}

export interface DefinedPipeline {
  readonly status: 'defined';
  readonly pipelineId: string;
  readonly name: string;
  /** In pipeline order, retired stages included. */
  readonly stages: readonly PipelineStage[];
}

/** A pipeline's state: nothing until it is defined (but for the default pipeline, which always exists). */
export type PipelineState = { readonly status: 'none' } | DefinedPipeline;

export const DEFAULT_PIPELINE_ID = 'default';

/**
 * The pipeline every deal belonged to before pipelines could be configured; it exists from the start, with
 * no event, so that data written before pipelines existed needs no rewriting. Changing it appends to its
 * stream like any pipeline.
 */
export const DEFAULT_PIPELINE: DefinedPipeline = {
  status: 'defined',
  pipelineId: DEFAULT_PIPELINE_ID,
  name: 'Default pipeline',
  stages: [
    { stage: 'qualification', name: 'Qualification', probability: 10, rottenAfterDays: null, retired: false },
    { stage: 'demo', name: 'Demo', probability: 30, rottenAfterDays: null, retired: false },
    { stage: 'proposal', name: 'Proposal', probability: 60, rottenAfterDays: null, retired: false },
    { stage: 'negotiation', name: 'Negotiation', probability: 80, rottenAfterDays: null, retired: false },
  ],
};

/** The state of a pipeline whose stream is empty: the default pipeline as built in, any other not defined. */
export const initialPipelineState = (pipelineId: string): PipelineState =>
  pipelineId === DEFAULT_PIPELINE_ID ? DEFAULT_PIPELINE : { status: 'none' };

export const findStage = (pipeline: DefinedPipeline, stage: string): PipelineStage | undefined =>
  pipeline.stages.find((s) => s.stage === stage);

/** Position of a stage in the pipeline's order (0 for the first), -1 when it is not a stage of it. */
export const stageIndexIn = (pipeline: DefinedPipeline, stage: string): number =>
  pipeline.stages.findIndex((s) => s.stage === stage);

export const activeStages = (pipeline: DefinedPipeline): PipelineStage[] =>
  pipeline.stages.filter((s) => !s.retired);

/** The stage's win probability, 0 for a slug the pipeline does not have. */
export const stageProbabilityIn = (pipeline: DefinedPipeline, stage: string): number =>
  findStage(pipeline, stage)?.probability ?? 0;

const mapStage = (
  state: DefinedPipeline,
  stage: string,
  change: (s: PipelineStage) => PipelineStage,
): DefinedPipeline => ({ ...state, stages: state.stages.map((s) => (s.stage === stage ? change(s) : s)) });

export function evolvePipeline(state: PipelineState, event: PipelineEvent): PipelineState {
  if (event.type === 'PipelineDefined') {
    const d = event.data;
    return {
      status: 'defined',
      pipelineId: d.pipelineId,
      name: d.name,
      stages: d.stages.map((s) => ({ ...s, retired: false })),
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PipelineRenamed':
      return { ...state, name: event.data.to };
    case 'PipelineStageAdded': {
      const { stage, name, probability, rottenAfterDays, after } = event.data;
      const at = stageIndexIn(state, after) + 1;
      const added: PipelineStage = { stage, name, probability, rottenAfterDays, retired: false };
      const stages = at === 0 ? [...state.stages, added] : [...state.stages];
      if (at > 0) stages.splice(at, 0, added);
      return { ...state, stages };
    }
    case 'PipelineStageRenamed':
      return mapStage(state, event.data.stage, (s) => ({ ...s, name: event.data.to }));
    case 'PipelineStageProbabilityChanged':
      return mapStage(state, event.data.stage, (s) => ({ ...s, probability: event.data.to }));
    case 'PipelineStageRottingPeriodChanged':
      return mapStage(state, event.data.stage, (s) => ({ ...s, rottenAfterDays: event.data.to }));
    case 'PipelineStagesReordered': {
      const order = event.data.to;
      const rank = (stage: string) => {
        const index = order.indexOf(stage);
        return index < 0 ? order.length : index;
      };
      return { ...state, stages: [...state.stages].sort((a, b) => rank(a.stage) - rank(b.stage)) };
    }
    case 'PipelineStageRetired':
      return mapStage(state, event.data.stage, (s) => ({ ...s, retired: true }));
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

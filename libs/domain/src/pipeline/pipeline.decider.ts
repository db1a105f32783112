import { conflict, invalid, notFound } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { SLUG_PATTERN, assertText } from '../shared/values';
import type {
  AddPipelineStage,
  DefinePipeline,
  PipelineCommand,
  RenamePipeline,
  ReorderPipelineStages,
  RetirePipelineStage,
  StageInput,
  UpdatePipelineStage,
} from './pipeline.commands';
import type { PipelineEvent, StageDefinition } from './pipeline.events';
import {
  type DefinedPipeline,
  type PipelineState,
  activeStages,
  evolvePipeline,
  findStage,
  initialPipelineState,
} from './pipeline.state';

export const MAX_STAGES = 50;
export const MAX_ROTTING_DAYS = 3650;
const MAX_SLUG = 50;

/** The words of a slug, as a stage's display name when none is given: needs_analysis -> Needs analysis. */
export const stageNameOf = (slug: string): string => {
  const words = slug.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function assertSlug(value: string, field: string, code: string, what: string): void {
  if (value.length > MAX_SLUG || !SLUG_PATTERN.test(value)) {
    throw invalid(
      code,
      field,
      `${what} must be a lowercase slug of at most ${MAX_SLUG} characters, such as needs_analysis`,
    );
  }
}

export function assertProbability(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    throw invalid('INVALID_PROBABILITY', field, `${field} must be a whole percent from 0 to 100`);
  }
}

function assertRottingPeriod(value: number | null, field: string): void {
  if (value !== null && (!Number.isInteger(value) || value < 1 || value > MAX_ROTTING_DAYS)) {
    throw invalid(
      'INVALID_ROTTING_PERIOD',
      field,
      `${field} must be a whole number of days from 1 to ${MAX_ROTTING_DAYS}, or null for never`,
    );
  }
}

/**
 * A stage as the caller described it, checked, with its defaults filled in. `prefix` leads the names of the
 * fields at fault: `stages[2].` in a definition, nothing when a stage is added (its fields are the command's).
 */
function stageDefinition(input: StageInput, prefix: string): StageDefinition {
  assertSlug(input.stage, `${prefix}stage`, 'INVALID_STAGE', 'a stage');
  const name = input.name ?? stageNameOf(input.stage);
  assertText(name, `${prefix}name`, 100);
  assertProbability(input.probability, `${prefix}probability`);
  const rottenAfterDays = input.rottenAfterDays ?? null;
  assertRottingPeriod(rottenAfterDays, `${prefix}rottenAfterDays`);
  return { stage: input.stage, name, probability: input.probability, rottenAfterDays };
}

export function decidePipeline(command: PipelineCommand, state: PipelineState): PipelineEvent[] {
  switch (command.type) {
    case 'DefinePipeline':
      return definePipeline(command, state);
    case 'RenamePipeline':
      return renamePipeline(command, state);
    case 'AddPipelineStage':
      return addStage(command, state);
    case 'UpdatePipelineStage':
      return updateStage(command, state);
    case 'ReorderPipelineStages':
      return reorderStages(command, state);
    case 'RetirePipelineStage':
      return retireStage(command, state);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

function definePipeline({ data, metadata }: DefinePipeline, state: PipelineState): PipelineEvent[] {
  assertSlug(data.pipelineId, 'pipelineId', 'INVALID_PIPELINE_ID', 'a pipeline id');
  if (state.status !== 'none') {
    throw conflict('PIPELINE_ALREADY_EXISTS', `pipeline ${data.pipelineId} already exists`);
  }
  assertText(data.name, 'name', 100);
  if (data.stages.length === 0) {
    throw invalid('NO_ACTIVE_STAGE', 'stages', 'a pipeline needs at least one stage');
  }
  if (data.stages.length > MAX_STAGES) {
    throw invalid('TOO_MANY_STAGES', 'stages', `a pipeline has at most ${MAX_STAGES} stages`);
  }
  const stages = data.stages.map((stage, i) => stageDefinition(stage, `stages[${i}].`));
  const seen = new Set<string>();
  stages.forEach(({ stage }, i) => {
    if (seen.has(stage)) {
      throw invalid('DUPLICATE_STAGE', `stages[${i}].stage`, `stage ${stage} is in the pipeline twice`);
    }
    seen.add(stage);
  });
  return [
    {
      type: 'PipelineDefined',
      data: { pipelineId: data.pipelineId, name: data.name, stages, definedAt: metadata.now },
    },
  ];
}

function existing(state: PipelineState, pipelineId: string): DefinedPipeline {
  if (state.status === 'none') throw notFound('PIPELINE_NOT_FOUND', `pipeline ${pipelineId} does not exist`);
  return state;
}

function existingStage(pipeline: DefinedPipeline, stage: string) {
  const found = findStage(pipeline, stage);
  if (!found) {
    throw notFound('STAGE_NOT_FOUND', `pipeline ${pipeline.pipelineId} has no stage ${stage}`);
  }
  return found;
}

function renamePipeline({ data, metadata }: RenamePipeline, state: PipelineState): PipelineEvent[] {
  const pipeline = existing(state, data.pipelineId);
  assertText(data.name, 'name', 100);
  if (data.name === pipeline.name) return [];
  return [
    {
      type: 'PipelineRenamed',
      data: { pipelineId: data.pipelineId, from: pipeline.name, to: data.name, renamedAt: metadata.now },
    },
  ];
}

function addStage({ data, metadata }: AddPipelineStage, state: PipelineState): PipelineEvent[] {
  const pipeline = existing(state, data.pipelineId);
  const { pipelineId, after, ...input } = data;
  const stage = stageDefinition(input, '');
  if (findStage(pipeline, stage.stage)) {
    throw conflict(
      'STAGE_ALREADY_EXISTS',
      `pipeline ${pipelineId} already has a stage ${stage.stage} (stages are never deleted, so a slug is never reused)`,
    );
  }
  if (pipeline.stages.length >= MAX_STAGES) {
    throw conflict(
      'TOO_MANY_STAGES',
      `pipeline ${pipelineId} already has ${MAX_STAGES} stages, the most it may have`,
    );
  }
  if (after !== undefined && !findStage(pipeline, after)) {
    throw invalid(
      'UNKNOWN_STAGE',
      'after',
      `pipeline ${pipelineId} has no stage ${after} to put the new one after`,
    );
  }
  const last = pipeline.stages[pipeline.stages.length - 1]!.stage;
  return [
    {
      type: 'PipelineStageAdded',
      data: { pipelineId, ...stage, after: after ?? last, addedAt: metadata.now },
    },
  ];
}

function updateStage({ data, metadata }: UpdatePipelineStage, state: PipelineState): PipelineEvent[] {
  const pipeline = existing(state, data.pipelineId);
  const stage = existingStage(pipeline, data.stage);
  const base = { pipelineId: data.pipelineId, stage: data.stage, changedAt: metadata.now };
  const events: PipelineEvent[] = [];
  if (data.name !== undefined) {
    assertText(data.name, 'name', 100);
    if (data.name !== stage.name) {
      events.push({ type: 'PipelineStageRenamed', data: { ...base, from: stage.name, to: data.name } });
    }
  }
  if (data.probability !== undefined) {
    assertProbability(data.probability, 'probability');
    if (data.probability !== stage.probability) {
      events.push({
        type: 'PipelineStageProbabilityChanged',
        data: { ...base, from: stage.probability, to: data.probability },
      });
    }
  }
  if (data.rottenAfterDays !== undefined) {
    assertRottingPeriod(data.rottenAfterDays, 'rottenAfterDays');
    if (data.rottenAfterDays !== stage.rottenAfterDays) {
      events.push({
        type: 'PipelineStageRottingPeriodChanged',
        data: { ...base, from: stage.rottenAfterDays, to: data.rottenAfterDays },
      });
    }
  }
  return events;
}

function reorderStages({ data, metadata }: ReorderPipelineStages, state: PipelineState): PipelineEvent[] {
  const pipeline = existing(state, data.pipelineId);
  const current = pipeline.stages.map((s) => s.stage);
  const given = new Set(data.stages);
  if (
    given.size !== data.stages.length ||
    data.stages.length !== current.length ||
    current.some((stage) => !given.has(stage))
  ) {
    throw invalid(
      'STAGE_ORDER_MISMATCH',
      'stages',
      `name every stage of pipeline ${data.pipelineId} exactly once, retired ones included: ${current.join(', ')}`,
    );
  }
  if (data.stages.every((stage, i) => stage === current[i])) return [];
  return [
    {
      type: 'PipelineStagesReordered',
      data: { pipelineId: data.pipelineId, from: current, to: [...data.stages], reorderedAt: metadata.now },
    },
  ];
}

function retireStage({ data, metadata }: RetirePipelineStage, state: PipelineState): PipelineEvent[] {
  const pipeline = existing(state, data.pipelineId);
  const stage = existingStage(pipeline, data.stage);
  if (stage.retired) {
    throw conflict(
      'STAGE_ALREADY_RETIRED',
      `stage ${data.stage} of pipeline ${data.pipelineId} is already retired`,
    );
  }
  if (activeStages(pipeline).length === 1) {
    throw conflict(
      'LAST_ACTIVE_STAGE',
      `stage ${data.stage} is the last active stage of pipeline ${data.pipelineId}: a pipeline keeps at least one`,
    );
  }
  return [
    {
      type: 'PipelineStageRetired',
      data: { pipelineId: data.pipelineId, stage: data.stage, retiredAt: metadata.now },
    },
  ];
}

/** The decider of one pipeline: its initial state depends on its id (the default pipeline always exists). */
export const pipelineDecider = (
  pipelineId: string,
): Decider<PipelineCommand, PipelineState, PipelineEvent> => ({
  initialState: () => initialPipelineState(pipelineId),
  decide: decidePipeline,
  evolve: evolvePipeline,
});

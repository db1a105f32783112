import {
  type AddPipelineStage,
  type DefinePipeline,
  type PipelineCommand,
  type PipelineState,
  type RenamePipeline,
  type ReorderPipelineStages,
  type RetirePipelineStage,
  type UpdatePipelineStage,
  pipelineDecider,
  pipelineStream,
} from '@app/domain';
import { timeOrderedUuid } from '@app/event-store';
import { Injectable } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { AggregateLoader } from '../commands/aggregate-loader';
import type { CommandMeta, CommandResult } from '../commands/command-meta';
import { KeyedIds } from '../commands/keyed-ids';

/** Namespace of pipeline ids derived from idempotency keys. */
const PIPELINE_FROM_KEY_NAMESPACE = '3b6f0d52-9e1a-4c7d-8f25-6a0e4b9c1d37';

/** What a pipeline command's data holds besides the pipeline's id. */
type Input<C extends PipelineCommand> = Omit<C['data'], 'pipelineId'>;

/** The pipeline use cases: an admin configures pipelines; deals read them to decide. */
@Injectable()
export class PipelineCommands {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly loader: AggregateLoader,
    private readonly earlier: KeyedIds,
  ) {}

  /** A pipeline's configuration as it stands now (the default pipeline always exists). */
  async current(pipelineId: string): Promise<PipelineState> {
    return (await this.loader.load(pipelineStream(pipelineId), pipelineDecider(pipelineId))).state;
  }

  async define(input: Input<DefinePipeline> & { readonly pipelineId?: string }, meta: CommandMeta) {
    // Without an id, a keyed request names the same pipeline on every retry.
    const made = meta.idempotency
      ? await this.earlier.idFromKey(PIPELINE_FROM_KEY_NAMESPACE, meta.idempotency, pipelineStream)
      : timeOrderedUuid();
    const { pipelineId = made, ...rest } = input;
    return this.execute(pipelineId, meta, { type: 'DefinePipeline', data: { ...rest, pipelineId } });
  }

  rename(pipelineId: string, input: Input<RenamePipeline>, meta: CommandMeta) {
    return this.execute(pipelineId, meta, { type: 'RenamePipeline', data: { ...input, pipelineId } });
  }

  addStage(pipelineId: string, input: Input<AddPipelineStage>, meta: CommandMeta) {
    return this.execute(pipelineId, meta, { type: 'AddPipelineStage', data: { ...input, pipelineId } });
  }

  updateStage(pipelineId: string, input: Input<UpdatePipelineStage>, meta: CommandMeta) {
    return this.execute(pipelineId, meta, { type: 'UpdatePipelineStage', data: { ...input, pipelineId } });
  }

  reorderStages(pipelineId: string, input: Input<ReorderPipelineStages>, meta: CommandMeta) {
    return this.execute(pipelineId, meta, { type: 'ReorderPipelineStages', data: { ...input, pipelineId } });
  }

  retireStage(pipelineId: string, input: Input<RetirePipelineStage>, meta: CommandMeta) {
    return this.execute(pipelineId, meta, { type: 'RetirePipelineStage', data: { ...input, pipelineId } });
  }

  private execute(
    pipelineId: string,
    meta: CommandMeta,
    command: Omit<PipelineCommand, 'metadata'>,
  ): Promise<CommandResult> {
    return this.executor.execute({
      streamId: pipelineStream(pipelineId),
      aggregateId: pipelineId,
      decider: pipelineDecider(pipelineId),
      command: (now) => ({ ...command, metadata: { now } }) as PipelineCommand,
      meta,
    });
  }
}

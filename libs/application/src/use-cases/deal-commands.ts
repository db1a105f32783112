import {
  type CreateDeal,
  DEFAULT_PIPELINE_ID,
  type DealCommand,
  type DealState,
  type Interaction,
  type LoseDeal,
  type MoveDealToStage,
  type PipelineState,
  type ReopenDeal,
  type UpdateDeal,
  type WinDeal,
  dealDecider,
  dealIdForLead,
  dealStream,
  leadDecider,
  leadStream,
} from '@app/domain';
import { Injectable } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { AggregateLoader } from '../commands/aggregate-loader';
import type { CommandMeta, CommandResult } from '../commands/command-meta';
import { PipelineCommands } from './pipeline-commands';

/** What the caller of a deal command gives: the command's data without what the use case looks up. */
type Input<C extends DealCommand> = Omit<C['data'], 'dealId' | 'pipeline' | 'lead'>;

export type CreateDealInput = Omit<Input<CreateDeal>, 'dealId' | 'pipelineId'> & {
  readonly dealId?: string;
  readonly pipelineId?: string;
};

/**
 * The deal use cases. Each looks up what its decision needs besides the deal (its lead, its pipeline) at
 * decision time, so that a command decided again after losing a race sees them afresh too.
 */
@Injectable()
export class DealCommands {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly loader: AggregateLoader,
    private readonly pipelines: PipelineCommands,
  ) {}

  /** The one deal of a qualified lead, by a person or by the automation: its id is derived from the lead's. */
  async create(input: CreateDealInput, meta: CommandMeta): Promise<CommandResult> {
    const leadId = input.leadId.toLowerCase();
    const dealId = dealIdForLead(leadId);
    const pipelineId = input.pipelineId ?? DEFAULT_PIPELINE_ID;
    // Qualified is final for a lead, so the lead read once stays true however often the deal is re-decided.
    const { state: lead } = await this.loader.load(leadStream(leadId), leadDecider);
    return this.execute(dealId, meta, async () => ({
      type: 'CreateDeal',
      data: {
        ...input,
        leadId,
        dealId: input.dealId?.toLowerCase() ?? dealId,
        pipelineId,
        lead,
        pipeline: await this.pipelines.current(pipelineId),
      },
    }));
  }

  /** Forward only, as POST /deals/{id}/advance always was. */
  advance(dealId: string, input: { readonly stage: string }, meta: CommandMeta) {
    return this.execute(dealId, meta, async (deal) => ({
      type: 'AdvanceStage',
      data: { ...input, dealId, pipeline: await this.pipelineOf(deal) },
    }));
  }

  /** To any active stage of the deal's pipeline: forward or back. */
  move(dealId: string, input: Input<MoveDealToStage>, meta: CommandMeta) {
    return this.execute(dealId, meta, async (deal) => ({
      type: 'MoveDealToStage',
      data: { ...input, dealId, pipeline: await this.pipelineOf(deal) },
    }));
  }

  update(dealId: string, input: Input<UpdateDeal>, meta: CommandMeta) {
    return this.execute(dealId, meta, () => ({ type: 'UpdateDeal', data: { ...input, dealId } }));
  }

  win(dealId: string, input: Input<WinDeal>, meta: CommandMeta) {
    return this.execute(dealId, meta, () => ({ type: 'WinDeal', data: { ...input, dealId } }));
  }

  lose(dealId: string, input: Input<LoseDeal>, meta: CommandMeta) {
    return this.execute(dealId, meta, () => ({ type: 'LoseDeal', data: { ...input, dealId } }));
  }

  reopen(dealId: string, input: Input<ReopenDeal>, meta: CommandMeta) {
    return this.execute(dealId, meta, () => ({ type: 'ReopenDeal', data: { ...input, dealId } }));
  }

  moveToPipeline(
    dealId: string,
    input: { readonly pipelineId: string; readonly stage?: string },
    meta: CommandMeta,
  ) {
    return this.execute(dealId, meta, async () => ({
      type: 'MoveDealToPipeline',
      data: { ...input, dealId, pipeline: await this.pipelines.current(input.pipelineId) },
    }));
  }

  /** A note or an activity on the deal; InteractionCommands makes the request and answers with its id. */
  recordInteraction(dealId: string, interaction: Interaction, meta: CommandMeta): Promise<CommandResult> {
    return this.execute(dealId, meta, () => ({
      type: 'RecordDealInteraction',
      data: { dealId, interaction },
    }));
  }

  /** The deal's own pipeline; nothing to look up for a deal that does not exist (the decider refuses it). */
  private pipelineOf(deal: DealState): Promise<PipelineState> {
    return deal.status === 'none'
      ? Promise.resolve({ status: 'none' })
      : this.pipelines.current(deal.pipelineId);
  }

  private execute(
    dealId: string,
    meta: CommandMeta,
    command: (deal: DealState) => Omit<DealCommand, 'metadata'> | Promise<Omit<DealCommand, 'metadata'>>,
  ): Promise<CommandResult> {
    return this.executor.execute({
      streamId: dealStream(dealId),
      aggregateId: dealId,
      decider: dealDecider,
      command: async (now, deal) => ({ ...(await command(deal)), metadata: { now } }) as DealCommand,
      meta,
    });
  }
}

import {
  type DefinedPipeline,
  type PipelineState,
  findStage,
  stageIndexIn,
} from '../pipeline/pipeline.state';
import { assertProbability } from '../pipeline/pipeline.decider';
import { decideInteraction, interactionEvent } from '../interactions/interactions';
import { conflict, invalid, notFound } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { optional } from '../shared/optional';
import { assertCalendarDate, assertMoney, assertText } from '../shared/values';
import type {
  AdvanceStage,
  CreateDeal,
  DealCommand,
  LoseDeal,
  MoveDealToPipeline,
  MoveDealToStage,
  RecordDealInteraction,
  ReopenDeal,
  UpdateDeal,
  WinDeal,
} from './deal.commands';
import type { DealEvent } from './deal.events';
import { dealIdForLead } from './deal-id';
import { type DealState, type ExistingDeal, evolveDeal, initialDealState } from './deal.state';

export function decideDeal(command: DealCommand, state: DealState): DealEvent[] {
  switch (command.type) {
    case 'CreateDeal':
      return createDeal(command, state);
    case 'AdvanceStage':
      return advanceStage(command, state);
    case 'MoveDealToStage':
      return moveToStage(command, state);
    case 'UpdateDeal':
      return updateDeal(command, state);
    case 'WinDeal':
      return winDeal(command, state);
    case 'LoseDeal':
      return loseDeal(command, state);
    case 'ReopenDeal':
      return reopenDeal(command, state);
    case 'MoveDealToPipeline':
      return moveToPipeline(command, state);
    case 'RecordDealInteraction':
      return recordInteraction(command, state);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

function existingPipeline(pipeline: PipelineState, pipelineId: string): DefinedPipeline {
  if (pipeline.status === 'none') {
    throw notFound('PIPELINE_NOT_FOUND', `pipeline ${pipelineId} does not exist`);
  }
  return pipeline;
}

/** The active stage a deal may enter: the one named, or the pipeline's first active stage. */
function enterableStage(pipeline: DefinedPipeline, stage: string | undefined): string {
  if (stage === undefined) {
    // A pipeline always keeps an active stage: retiring the last one is refused.
    return pipeline.stages.find((s) => !s.retired)!.stage;
  }
  const found = findStage(pipeline, stage);
  if (!found) {
    throw invalid('UNKNOWN_STAGE', 'stage', `"${stage}" is not a stage of pipeline ${pipeline.pipelineId}`);
  }
  if (found.retired) {
    throw conflict(
      'STAGE_RETIRED',
      `stage ${stage} of pipeline ${pipeline.pipelineId} is retired: it takes no new deals`,
    );
  }
  return stage;
}

function createDeal({ data, metadata }: CreateDeal, state: DealState): DealEvent[] {
  if (data.lead.status === 'none') {
    throw notFound('LEAD_NOT_FOUND', `lead ${data.leadId} does not exist`);
  }
  if (data.lead.status !== 'qualified') {
    throw conflict(
      'LEAD_NOT_QUALIFIED',
      `lead ${data.leadId} is ${data.lead.status}: a deal can be created only for a qualified lead`,
    );
  }
  if (data.dealId !== dealIdForLead(data.leadId)) {
    throw invalid(
      'DEAL_ID_MISMATCH',
      'dealId',
      `a lead converts into exactly one deal, whose id is derived from the lead id: ${dealIdForLead(data.leadId)}; send that id or none`,
    );
  }
  if (state.status !== 'none') {
    throw conflict(
      'DEAL_ALREADY_EXISTS',
      state.leadId === data.leadId
        ? `lead ${data.leadId} already has deal ${state.dealId}: a lead converts into at most one deal`
        : `deal ${data.dealId} already exists`,
    );
  }
  const pipeline = existingPipeline(data.pipeline, data.pipelineId);
  const stage = enterableStage(pipeline, data.stage);
  assertText(data.title, 'title', 200);
  assertMoney(data.value, 'value');
  assertCalendarDate(data.expectedCloseDate, 'expectedCloseDate');
  if (data.owner !== undefined) assertText(data.owner, 'owner', 200);
  return [
    {
      type: 'DealCreated',
      data: {
        dealId: data.dealId,
        leadId: data.leadId,
        pipelineId: pipeline.pipelineId,
        title: data.title,
        value: { amount: data.value.amount, currency: data.value.currency },
        expectedCloseDate: data.expectedCloseDate,
        ...optional('owner', data.owner),
        stage,
        createdAt: metadata.now,
      },
    },
  ];
}

function existingDeal(state: DealState, dealId: string): ExistingDeal {
  if (state.status === 'none') {
    throw notFound('DEAL_NOT_FOUND', `deal ${dealId} does not exist`);
  }
  return state;
}

function openDeal(state: DealState, dealId: string): ExistingDeal {
  const deal = existingDeal(state, dealId);
  if (deal.status !== 'open') {
    throw conflict(
      'DEAL_ALREADY_CLOSED',
      `deal ${dealId} is ${deal.status}: a closed deal changes only by being reopened`,
    );
  }
  return deal;
}

/** The deal's own pipeline, which the caller looked up for it. */
function pipelineOf(deal: ExistingDeal, pipeline: PipelineState): DefinedPipeline {
  const found = existingPipeline(pipeline, deal.pipelineId);
  if (found.pipelineId !== deal.pipelineId) {
    throw new Error(`deal ${deal.dealId} is in pipeline ${deal.pipelineId}, not ${found.pipelineId}`);
  }
  return found;
}

/** Where a move to this stage goes: -1 back, 1 forward; refuses the stage it is in. */
function direction(deal: ExistingDeal, pipeline: DefinedPipeline, stage: string): -1 | 1 {
  const target = enterableStage(pipeline, stage);
  if (target === deal.stage) {
    throw conflict('SAME_STAGE', `deal ${deal.dealId} is already in stage ${stage}`);
  }
  return stageIndexIn(pipeline, target) > stageIndexIn(pipeline, deal.stage) ? 1 : -1;
}

function advanceStage({ data, metadata }: AdvanceStage, state: DealState): DealEvent[] {
  const deal = openDeal(state, data.dealId);
  const pipeline = pipelineOf(deal, data.pipeline);
  if (!findStage(pipeline, data.stage)) {
    throw invalid(
      'UNKNOWN_STAGE',
      'stage',
      `"${data.stage}" is not a stage of pipeline ${pipeline.pipelineId}`,
    );
  }
  if (data.stage === deal.stage || direction(deal, pipeline, data.stage) < 0) {
    throw conflict(
      'STAGE_NOT_FORWARD',
      `deal ${data.dealId} is in stage ${deal.stage}: advance moves only forward to a later stage, not to ${data.stage} (a move goes either way)`,
    );
  }
  return [
    {
      type: 'StageAdvanced',
      data: { dealId: data.dealId, from: deal.stage, to: data.stage, advancedAt: metadata.now },
    },
  ];
}

function moveToStage({ data, metadata }: MoveDealToStage, state: DealState): DealEvent[] {
  const deal = openDeal(state, data.dealId);
  const pipeline = pipelineOf(deal, data.pipeline);
  if (data.reason !== undefined) assertText(data.reason, 'reason', 500);
  if (direction(deal, pipeline, data.stage) > 0) {
    return [
      {
        type: 'StageAdvanced',
        data: { dealId: data.dealId, from: deal.stage, to: data.stage, advancedAt: metadata.now },
      },
    ];
  }
  return [
    {
      type: 'StageReverted',
      data: {
        dealId: data.dealId,
        from: deal.stage,
        to: data.stage,
        ...optional('reason', data.reason),
        revertedAt: metadata.now,
      },
    },
  ];
}

const sameMoney = (a: { amount: number; currency: string }, b: { amount: number; currency: string }) =>
  a.amount === b.amount && a.currency === b.currency;

function updateDeal({ data, metadata }: UpdateDeal, state: DealState): DealEvent[] {
  const deal = openDeal(state, data.dealId);
  const change = { dealId: data.dealId, changedAt: metadata.now };
  const events: DealEvent[] = [];
  if (data.title !== undefined) {
    assertText(data.title, 'title', 200);
    if (data.title !== deal.title) {
      events.push({
        type: 'DealTitleChanged',
        data: { ...change, leadId: deal.leadId, from: deal.title, to: data.title },
      });
    }
  }
  if (data.value !== undefined) {
    assertMoney(data.value, 'value');
    const to = { amount: data.value.amount, currency: data.value.currency };
    if (!sameMoney(to, deal.value)) {
      events.push({ type: 'DealValueChanged', data: { ...change, from: deal.value, to } });
    }
  }
  if (data.expectedCloseDate !== undefined) {
    assertCalendarDate(data.expectedCloseDate, 'expectedCloseDate');
    if (data.expectedCloseDate !== deal.expectedCloseDate) {
      events.push({
        type: 'DealExpectedCloseDateChanged',
        data: { ...change, from: deal.expectedCloseDate, to: data.expectedCloseDate },
      });
    }
  }
  if (data.owner !== undefined) {
    if (data.owner !== null) assertText(data.owner, 'owner', 200);
    if (data.owner !== deal.owner) {
      events.push({ type: 'DealOwnerChanged', data: { ...change, from: deal.owner, to: data.owner } });
    }
  }
  if (data.probability !== undefined) {
    if (data.probability !== null) assertProbability(data.probability, 'probability');
    if (data.probability !== deal.probabilityOverride) {
      events.push({
        type: 'DealProbabilityOverrideChanged',
        data: { ...change, from: deal.probabilityOverride, to: data.probability },
      });
    }
  }
  return events;
}

function winDeal({ data, metadata }: WinDeal, state: DealState): DealEvent[] {
  const deal = openDeal(state, data.dealId);
  return [
    {
      type: 'DealWon',
      data: {
        dealId: data.dealId,
        value: deal.value,
        stage: deal.stage,
        ...optional('note', data.note),
        wonAt: metadata.now,
      },
    },
  ];
}

function loseDeal({ data, metadata }: LoseDeal, state: DealState): DealEvent[] {
  const deal = openDeal(state, data.dealId);
  assertText(data.reason, 'reason', 500);
  return [
    {
      type: 'DealLost',
      data: {
        dealId: data.dealId,
        value: deal.value,
        stage: deal.stage,
        reason: data.reason,
        ...optional('competitor', data.competitor),
        ...optional('note', data.note),
        lostAt: metadata.now,
      },
    },
  ];
}

function reopenDeal({ data, metadata }: ReopenDeal, state: DealState): DealEvent[] {
  const deal = existingDeal(state, data.dealId);
  if (deal.status === 'open') {
    throw conflict('DEAL_NOT_CLOSED', `deal ${data.dealId} is open: only a won or lost deal can be reopened`);
  }
  assertText(data.reason, 'reason', 500);
  return [
    {
      type: 'DealReopened',
      data: {
        dealId: data.dealId,
        reason: data.reason,
        from: deal.status,
        stage: deal.stage,
        reopenedAt: metadata.now,
      },
    },
  ];
}

function moveToPipeline({ data, metadata }: MoveDealToPipeline, state: DealState): DealEvent[] {
  const deal = openDeal(state, data.dealId);
  const target = existingPipeline(data.pipeline, data.pipelineId);
  if (target.pipelineId === deal.pipelineId) {
    throw conflict(
      'SAME_PIPELINE',
      `deal ${data.dealId} is already in pipeline ${deal.pipelineId} (a move changes its stage)`,
    );
  }
  const stage = enterableStage(target, data.stage);
  return [
    {
      type: 'DealMovedToPipeline',
      data: {
        dealId: data.dealId,
        from: { pipelineId: deal.pipelineId, stage: deal.stage },
        to: { pipelineId: target.pipelineId, stage },
        movedAt: metadata.now,
      },
    },
  ];
}

/** Notes at any time; activities scheduled only while the deal is open (see interactions). */
function recordInteraction({ data, metadata }: RecordDealInteraction, state: DealState): DealEvent[] {
  const deal = existingDeal(state, data.dealId);
  const facts = decideInteraction(data.interaction, deal.interactions, {
    closedBecause:
      deal.status === 'open'
        ? null
        : {
            code: 'DEAL_ALREADY_CLOSED',
            message: `deal ${data.dealId} is ${deal.status}: reopen it before planning activities`,
          },
    owner: deal.owner,
    now: metadata.now,
  });
  return facts.map((fact) => interactionEvent('Deal', 'dealId', data.dealId, fact));
}

export const dealDecider: Decider<DealCommand, DealState, DealEvent> = {
  initialState: initialDealState,
  decide: decideDeal,
  evolve: evolveDeal,
};

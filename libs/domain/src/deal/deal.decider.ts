import { FIRST_STAGE, isStage, stageIndex } from '../pipeline/pipeline';
import { conflict, invalid, notFound } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { optional } from '../shared/optional';
import { assertCalendarDate, assertMoney, assertText } from '../shared/values';
import type { AdvanceStage, CreateDeal, DealCommand, LoseDeal, WinDeal } from './deal.commands';
import type { DealEvent } from './deal.events';
import { dealIdForLead } from './deal-id';
import { type DealState, type ExistingDeal, evolveDeal, initialDealState } from './deal.state';

export function decideDeal(command: DealCommand, state: DealState): DealEvent[] {
  switch (command.type) {
    case 'CreateDeal':
      return createDeal(command, state);
    case 'AdvanceStage':
      return advanceStage(command, state);
    case 'WinDeal':
      return winDeal(command, state);
    case 'LoseDeal':
      return loseDeal(command, state);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
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
  assertText(data.title, 'title', 200);
  assertMoney(data.value, 'value');
  assertCalendarDate(data.expectedCloseDate, 'expectedCloseDate');
  return [
    {
      type: 'DealCreated',
      data: {
        dealId: data.dealId,
        leadId: data.leadId,
        title: data.title,
        value: { amount: data.value.amount, currency: data.value.currency },
        expectedCloseDate: data.expectedCloseDate,
        ...optional('owner', data.owner),
        stage: FIRST_STAGE,
        createdAt: metadata.now,
      },
    },
  ];
}

function openDeal(state: DealState, dealId: string): ExistingDeal {
  if (state.status === 'none') {
    throw notFound('DEAL_NOT_FOUND', `deal ${dealId} does not exist`);
  }
  if (state.status !== 'open') {
    throw conflict('DEAL_ALREADY_CLOSED', `deal ${dealId} is ${state.status}: won and lost are final`);
  }
  return state;
}

function advanceStage({ data, metadata }: AdvanceStage, state: DealState): DealEvent[] {
  const deal = openDeal(state, data.dealId);
  if (!isStage(data.stage)) {
    throw invalid('UNKNOWN_STAGE', 'stage', `"${data.stage}" is not a stage of the pipeline`);
  }
  if (stageIndex(data.stage) <= stageIndex(deal.stage)) {
    throw conflict(
      'STAGE_NOT_FORWARD',
      `deal ${data.dealId} is in stage ${deal.stage}: it can only move forward to a later stage, not to ${data.stage}`,
    );
  }
  return [
    {
      type: 'StageAdvanced',
      data: { dealId: data.dealId, from: deal.stage, to: data.stage, advancedAt: metadata.now },
    },
  ];
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

export const dealDecider: Decider<DealCommand, DealState, DealEvent> = {
  initialState: initialDealState,
  decide: decideDeal,
  evolve: evolveDeal,
};

import { noInteractions } from '../interactions/interactions';
import type { LeadState } from '../lead/lead.state';
import type { PipelineDefined, PipelineEvent } from '../pipeline/pipeline.events';
import {
  DEFAULT_PIPELINE,
  type PipelineState,
  evolvePipeline,
  initialPipelineState,
} from '../pipeline/pipeline.state';
import { DomainError } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import type {
  AdvanceStage,
  CreateDeal,
  LoseDeal,
  MoveDealToPipeline,
  MoveDealToStage,
  ReopenDeal,
  UpdateDeal,
  WinDeal,
} from './deal.commands';
import { dealDecider } from './deal.decider';
import type {
  DealCreated,
  DealEvent,
  DealLost,
  DealMovedToPipeline,
  DealOwnerChanged,
  DealProbabilityOverrideChanged,
  DealReopened,
  DealWon,
  StageAdvanced,
  StageReverted,
} from './deal.events';
import { dealIdForLead } from './deal-id';
import { type DealState, evolveDeal, initialDealState } from './deal.state';

const leadId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const dealId = dealIdForLead(leadId);
const t0 = '2026-03-05T09:30:00.000Z';
const t1 = '2026-03-10T14:00:00.000Z';
const t2 = '2026-04-01T08:00:00.000Z';
const t3 = '2026-04-15T16:45:00.000Z';

const lead = (status: 'none' | 'captured' | 'qualified' | 'disqualified'): LeadState =>
  status === 'none'
    ? { status }
    : {
        status,
        leadId,
        name: 'Ada',
        email: 'ada@example.com',
        company: null,
        phone: null,
        source: 'referral',
        campaign: null,
        interest: null,
        tags: [],
        owner: null,
        capturedAt: t0,
        qualification: null,
        disqualification: null,
        interactions: noInteractions(),
        erased: null,
      };

/** A pipeline as its events leave it (the default one starts as built in). */
const pipelineAfter = (pipelineId: string, ...events: PipelineEvent[]): PipelineState =>
  events.reduce(evolvePipeline, initialPipelineState(pipelineId));
const stageRetired = (pipelineId: string, stage: string): PipelineEvent => ({
  type: 'PipelineStageRetired',
  data: { pipelineId, stage, retiredAt: t0 },
});
const stagesReordered = (pipelineId: string, from: string[], to: string[]): PipelineEvent => ({
  type: 'PipelineStagesReordered',
  data: { pipelineId, from, to, reorderedAt: t0 },
});
const enterpriseDefined: PipelineDefined = {
  type: 'PipelineDefined',
  data: {
    pipelineId: 'enterprise',
    name: 'Enterprise',
    stages: [
      { stage: 'discovery', name: 'Discovery', probability: 20, rottenAfterDays: 14 },
      { stage: 'pilot', name: 'Pilot', probability: 40, rottenAfterDays: 30 },
      { stage: 'security_review', name: 'Security review', probability: 70, rottenAfterDays: null },
      { stage: 'contract', name: 'Contract', probability: 90, rottenAfterDays: null },
    ],
    definedAt: t0,
  },
};
const enterprise = pipelineAfter('enterprise', enterpriseDefined);
const enterpriseWithoutDiscovery = pipelineAfter(
  'enterprise',
  enterpriseDefined,
  stageRetired('enterprise', 'discovery'),
);
const defaultWithoutDemo = pipelineAfter('default', stageRetired('default', 'demo'));
/** The default pipeline with proposal moved before demo. */
const defaultReordered = pipelineAfter(
  'default',
  stagesReordered(
    'default',
    ['qualification', 'demo', 'proposal', 'negotiation'],
    ['qualification', 'proposal', 'demo', 'negotiation'],
  ),
);
const noPipeline: PipelineState = { status: 'none' };

const create = (data: Partial<CreateDeal['data']> = {}): CreateDeal => ({
  type: 'CreateDeal',
  data: {
    dealId,
    leadId,
    pipelineId: 'default',
    title: 'Analytics for Ada',
    value: { amount: 1_200_000, currency: 'USD' },
    expectedCloseDate: '2026-06-30',
    lead: lead('qualified'),
    pipeline: DEFAULT_PIPELINE,
    ...data,
  },
  metadata: { now: t0 },
});
const created: DealCreated = {
  type: 'DealCreated',
  data: {
    dealId,
    leadId,
    pipelineId: 'default',
    title: 'Analytics for Ada',
    value: { amount: 1_200_000, currency: 'USD' },
    expectedCloseDate: '2026-06-30',
    stage: 'qualification',
    createdAt: t0,
  },
};
const createdIn = (pipelineId: string, stage: string): DealCreated => ({
  type: 'DealCreated',
  data: { ...created.data, pipelineId, stage },
});
const createdOwned: DealCreated = { type: 'DealCreated', data: { ...created.data, owner: 'grace' } };

const advance = (stage: string, pipeline: PipelineState = DEFAULT_PIPELINE): AdvanceStage => ({
  type: 'AdvanceStage',
  data: { dealId, stage, pipeline },
  metadata: { now: t1 },
});
const advanced = (from: StageAdvanced['data']['from'], to: StageAdvanced['data']['to']): StageAdvanced => ({
  type: 'StageAdvanced',
  data: { dealId, from, to, advancedAt: t1 },
});
const move = (
  stage: string,
  { reason, pipeline = DEFAULT_PIPELINE }: { reason?: string; pipeline?: PipelineState } = {},
): MoveDealToStage => ({
  type: 'MoveDealToStage',
  data: { dealId, stage, ...(reason === undefined ? {} : { reason }), pipeline },
  metadata: { now: t1 },
});
const reverted = (from: string, to: string, reason?: string): StageReverted => ({
  type: 'StageReverted',
  data: { dealId, from, to, ...(reason === undefined ? {} : { reason }), revertedAt: t1 },
});
const update = (data: Omit<UpdateDeal['data'], 'dealId'>): UpdateDeal => ({
  type: 'UpdateDeal',
  data: { dealId, ...data },
  metadata: { now: t1 },
});
const ownerChanged = (from: string | null, to: string | null): DealOwnerChanged => ({
  type: 'DealOwnerChanged',
  data: { dealId, from, to, changedAt: t1 },
});
const overrideChanged = (from: number | null, to: number | null): DealProbabilityOverrideChanged => ({
  type: 'DealProbabilityOverrideChanged',
  data: { dealId, from, to, changedAt: t1 },
});
const win = (note?: string): WinDeal => ({
  type: 'WinDeal',
  data: { dealId, ...(note ? { note } : {}) },
  metadata: { now: t2 },
});
const won: DealWon = {
  type: 'DealWon',
  data: { dealId, value: { amount: 1_200_000, currency: 'USD' }, stage: 'qualification', wonAt: t2 },
};
const wonIn = (stage: string, note?: string): DealWon => ({
  type: 'DealWon',
  data: { ...won.data, stage, ...(note === undefined ? {} : { note }) },
});
const lose = (data: Partial<LoseDeal['data']> = {}): LoseDeal => ({
  type: 'LoseDeal',
  data: { dealId, reason: 'price', ...data },
  metadata: { now: t2 },
});
const lost: DealLost = {
  type: 'DealLost',
  data: {
    dealId,
    value: { amount: 1_200_000, currency: 'USD' },
    stage: 'qualification',
    reason: 'price',
    lostAt: t2,
  },
};
const reopen = (reason = 'the customer came back'): ReopenDeal => ({
  type: 'ReopenDeal',
  data: { dealId, reason },
  metadata: { now: t3 },
});
const reopened = (from: 'won' | 'lost', stage: string): DealReopened => ({
  type: 'DealReopened',
  data: { dealId, reason: 'the customer came back', from, stage, reopenedAt: t3 },
});
const moveToPipeline = (pipelineId: string, pipeline: PipelineState, stage?: string): MoveDealToPipeline => ({
  type: 'MoveDealToPipeline',
  data: { dealId, pipelineId, pipeline, ...(stage === undefined ? {} : { stage }) },
  metadata: { now: t1 },
});
const movedToPipeline = (
  from: { pipelineId: string; stage: string },
  to: { pipelineId: string; stage: string },
): DealMovedToPipeline => ({ type: 'DealMovedToPipeline', data: { dealId, from, to, movedAt: t1 } });

const spec = deciderSpec(dealDecider);
const stateAfter = (events: DealEvent[]): DealState => events.reduce(evolveDeal, initialDealState());

describe('Deal', () => {
  describe('CreateDeal', () => {
    it('creates a deal for a qualified lead, in the first stage, with its owner', () => {
      spec
        .given([])
        .when(create({ owner: 'grace' }))
        .then([{ type: 'DealCreated', data: { ...created.data, owner: 'grace' } }]);
    });

    it('creates a deal in the pipeline given, at its first active stage', () => {
      spec
        .given([])
        .when(create({ pipelineId: 'enterprise', pipeline: enterprise }))
        .then([createdIn('enterprise', 'discovery')]);
    });

    it('skips retired stages when it picks the first active stage', () => {
      spec
        .given([])
        .when(create({ pipelineId: 'enterprise', pipeline: enterpriseWithoutDiscovery }))
        .then([createdIn('enterprise', 'pilot')]);
      spec
        .given([])
        .when(create({ pipeline: pipelineAfter('default', stageRetired('default', 'qualification')) }))
        .then([createdIn('default', 'demo')]);
    });

    it('creates a deal at the active stage given', () => {
      spec
        .given([])
        .when(create({ stage: 'proposal' }))
        .then([createdIn('default', 'proposal')]);
      spec
        .given([])
        .when(create({ pipelineId: 'enterprise', pipeline: enterprise, stage: 'security_review' }))
        .then([createdIn('enterprise', 'security_review')]);
    });

    it('refuses a stage that is not in the pipeline, even one of another pipeline', () => {
      spec
        .given([])
        .when(create({ stage: 'won' }))
        .thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
      spec
        .given([])
        .when(create({ stage: 'pilot' }))
        .thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
      spec
        .given([])
        .when(create({ pipelineId: 'enterprise', pipeline: enterprise, stage: 'demo' }))
        .thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
    });

    it('refuses a retired stage: it takes no new deals', () => {
      spec
        .given([])
        .when(create({ pipeline: defaultWithoutDemo, stage: 'demo' }))
        .thenFails('STAGE_RETIRED', 'conflict');
    });

    it('refuses a pipeline that does not exist', () => {
      spec
        .given([])
        .when(create({ pipelineId: 'ghost', pipeline: noPipeline }))
        .thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });

    it('refuses a deal for a lead that does not exist', () => {
      spec
        .given([])
        .when(create({ lead: lead('none') }))
        .thenFails('LEAD_NOT_FOUND', 'not_found');
    });

    it('refuses a deal for a lead that is only captured, or disqualified', () => {
      spec
        .given([])
        .when(create({ lead: lead('captured') }))
        .thenFails('LEAD_NOT_QUALIFIED', 'conflict');
      spec
        .given([])
        .when(create({ lead: lead('disqualified') }))
        .thenFails('LEAD_NOT_QUALIFIED', 'conflict');
    });

    it('refuses a second deal for the same lead', () => {
      spec.given([created]).when(create()).thenFails('DEAL_ALREADY_EXISTS', 'conflict');
      spec.given([created, lost]).when(create()).thenFails('DEAL_ALREADY_EXISTS', 'conflict');
      spec
        .given([created])
        .when(create({ pipelineId: 'enterprise', pipeline: enterprise }))
        .thenFails('DEAL_ALREADY_EXISTS', 'conflict');
    });

    it('refuses a deal id other than the one derived from the lead id', () => {
      spec
        .given([])
        .when(create({ dealId: '7d0c1a7e-5b7e-4c8e-8d0e-2f4b9a1c3e5d' }))
        .thenFails('DEAL_ID_MISMATCH', 'invalid', 'dealId');
    });

    it('refuses a bad value, an empty title and a date that does not exist', () => {
      const given = spec.given([]);
      given
        .when(create({ value: { amount: 1.5, currency: 'USD' } }))
        .thenFails('INVALID_AMOUNT', 'invalid', 'value.amount');
      given
        .when(create({ value: { amount: 100, currency: 'DOLLARS' } }))
        .thenFails('INVALID_CURRENCY', 'invalid', 'value.currency');
      given.when(create({ title: '' })).thenFails('REQUIRED_FIELD', 'invalid', 'title');
      given
        .when(create({ expectedCloseDate: '2026-13-01' }))
        .thenFails('INVALID_DATE', 'invalid', 'expectedCloseDate');
    });
  });

  describe('AdvanceStage', () => {
    it('moves an open deal to the next stage', () => {
      spec
        .given([created])
        .when(advance('demo'))
        .then([advanced('qualification', 'demo')]);
    });

    it('may skip stages', () => {
      spec
        .given([created])
        .when(advance('negotiation'))
        .then([advanced('qualification', 'negotiation')]);
    });

    it('refuses to move to the current stage or back', () => {
      spec.given([created]).when(advance('qualification')).thenFails('STAGE_NOT_FORWARD', 'conflict');
      spec
        .given([created, advanced('qualification', 'proposal')])
        .when(advance('demo'))
        .thenFails('STAGE_NOT_FORWARD', 'conflict');
    });

    it('moves only forward in a pipeline of its own', () => {
      const inEnterprise = createdIn('enterprise', 'pilot');
      spec
        .given([inEnterprise])
        .when(advance('contract', enterprise))
        .then([advanced('pilot', 'contract')]);
      spec
        .given([inEnterprise])
        .when(advance('discovery', enterprise))
        .thenFails('STAGE_NOT_FORWARD', 'conflict');
      spec
        .given([inEnterprise])
        .when(advance('pilot', enterprise))
        .thenFails('STAGE_NOT_FORWARD', 'conflict');
    });

    it('goes by the pipeline order as it is now, after a reorder', () => {
      // Proposal now comes before demo.
      spec
        .given([created, advanced('qualification', 'demo')])
        .when(advance('proposal', defaultReordered))
        .thenFails('STAGE_NOT_FORWARD', 'conflict');
      spec
        .given([created, advanced('qualification', 'proposal')])
        .when(advance('demo', defaultReordered))
        .then([advanced('proposal', 'demo')]);
    });

    it('refuses a stage that is not in the pipeline', () => {
      spec.given([created]).when(advance('closing')).thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
      spec
        .given([createdIn('enterprise', 'discovery')])
        .when(advance('proposal', enterprise))
        .thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
    });

    it('refuses a retired stage', () => {
      spec.given([created]).when(advance('demo', defaultWithoutDemo)).thenFails('STAGE_RETIRED', 'conflict');
    });

    it('refuses to move a closed deal', () => {
      spec.given([created, won]).when(advance('demo')).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
      spec.given([created, lost]).when(advance('demo')).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
    });

    it('refuses to move a deal that does not exist', () => {
      spec.given([]).when(advance('demo')).thenFails('DEAL_NOT_FOUND', 'not_found');
    });

    it("is decided against the deal's own pipeline: another one is the caller's mistake, not a refusal", () => {
      const decide = () => dealDecider.decide(advance('pilot', enterprise), stateAfter([created]));
      expect(decide).toThrow('is in pipeline default, not enterprise');
      expect(decide).not.toThrow(DomainError);
    });
  });

  describe('MoveDealToStage', () => {
    it('moves forward as StageAdvanced, skipping stages if asked', () => {
      spec
        .given([created])
        .when(move('proposal'))
        .then([advanced('qualification', 'proposal')]);
      spec
        .given([created, advanced('qualification', 'demo')])
        .when(move('negotiation'))
        .then([advanced('demo', 'negotiation')]);
    });

    it('moves back as StageReverted, with the reason given', () => {
      spec
        .given([created, advanced('qualification', 'negotiation')])
        .when(move('demo', { reason: 'a new decision maker wants a demo' }))
        .then([reverted('negotiation', 'demo', 'a new decision maker wants a demo')]);
    });

    it('moves back without a reason, leaving it out of the event', () => {
      spec
        .given([created, advanced('qualification', 'proposal')])
        .when(move('qualification'))
        .then([reverted('proposal', 'qualification')]);
    });

    it('refuses an empty reason', () => {
      spec
        .given([created, advanced('qualification', 'proposal')])
        .when(move('demo', { reason: '  ' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'reason');
    });

    it('refuses the stage the deal is in', () => {
      spec.given([created]).when(move('qualification')).thenFails('SAME_STAGE', 'conflict');
      spec
        .given([created, advanced('qualification', 'demo'), reverted('demo', 'qualification')])
        .when(move('qualification', { reason: 'again' }))
        .thenFails('SAME_STAGE', 'conflict');
    });

    it('refuses a retired stage, forward or back', () => {
      spec
        .given([created])
        .when(move('demo', { pipeline: defaultWithoutDemo }))
        .thenFails('STAGE_RETIRED', 'conflict');
      spec
        .given([created, advanced('qualification', 'negotiation')])
        .when(move('demo', { pipeline: defaultWithoutDemo }))
        .thenFails('STAGE_RETIRED', 'conflict');
    });

    it('moves a deal out of a stage that was retired after it entered', () => {
      const inDemo = [created, advanced('qualification', 'demo')];
      spec
        .given(inDemo)
        .when(move('proposal', { pipeline: defaultWithoutDemo }))
        .then([advanced('demo', 'proposal')]);
      spec
        .given(inDemo)
        .when(move('qualification', { pipeline: defaultWithoutDemo }))
        .then([reverted('demo', 'qualification')]);
    });

    it('refuses a stage that is not in the pipeline', () => {
      spec.given([created]).when(move('closing')).thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
    });

    it('moves either way in a pipeline of its own', () => {
      const inReview = [createdIn('enterprise', 'discovery'), advanced('discovery', 'security_review')];
      spec
        .given(inReview)
        .when(move('pilot', { pipeline: enterprise, reason: 'pilot failed' }))
        .then([reverted('security_review', 'pilot', 'pilot failed')]);
      spec
        .given(inReview)
        .when(move('contract', { pipeline: enterprise }))
        .then([advanced('security_review', 'contract')]);
    });

    it('goes by the pipeline order as it is now, after a reorder', () => {
      spec
        .given([created, advanced('qualification', 'demo')])
        .when(move('proposal', { pipeline: defaultReordered }))
        .then([reverted('demo', 'proposal')]);
      spec
        .given([created, advanced('qualification', 'proposal')])
        .when(move('demo', { pipeline: defaultReordered }))
        .then([advanced('proposal', 'demo')]);
    });

    it('refuses to move a closed deal', () => {
      spec.given([created, won]).when(move('demo')).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
      spec.given([created, lost]).when(move('demo')).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
    });

    it('refuses to move a deal that does not exist', () => {
      spec.given([]).when(move('demo')).thenFails('DEAL_NOT_FOUND', 'not_found');
    });

    it("refuses when the deal's pipeline does not exist", () => {
      spec
        .given([createdIn('enterprise', 'discovery')])
        .when(move('pilot', { pipeline: noPipeline }))
        .thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });
  });

  describe('UpdateDeal', () => {
    it('writes one event per changed field, in the order title, value, close date, owner, probability', () => {
      spec
        .given([createdOwned])
        .when(
          update({
            probability: 45,
            owner: 'alan',
            expectedCloseDate: '2026-07-31',
            value: { amount: 1_500_000, currency: 'USD' },
            title: 'Analytics platform for Ada',
          }),
        )
        .then([
          {
            type: 'DealTitleChanged',
            data: {
              dealId,
              leadId,
              from: 'Analytics for Ada',
              to: 'Analytics platform for Ada',
              changedAt: t1,
            },
          },
          {
            type: 'DealValueChanged',
            data: {
              dealId,
              from: { amount: 1_200_000, currency: 'USD' },
              to: { amount: 1_500_000, currency: 'USD' },
              changedAt: t1,
            },
          },
          {
            type: 'DealExpectedCloseDateChanged',
            data: { dealId, from: '2026-06-30', to: '2026-07-31', changedAt: t1 },
          },
          ownerChanged('grace', 'alan'),
          overrideChanged(null, 45),
        ]);
    });

    it('writes nothing for fields given with the values the deal has', () => {
      spec
        .given([createdOwned])
        .when(
          update({
            title: 'Analytics for Ada',
            value: { amount: 1_200_000, currency: 'USD' },
            expectedCloseDate: '2026-06-30',
            owner: 'grace',
            probability: null,
          }),
        )
        .then([]);
      spec.given([createdOwned]).when(update({})).then([]);
    });

    it('writes only the fields that change: a value in another currency is a change', () => {
      spec
        .given([created])
        .when(update({ title: 'Analytics for Ada', value: { amount: 1_200_000, currency: 'EUR' } }))
        .then([
          {
            type: 'DealValueChanged',
            data: {
              dealId,
              from: { amount: 1_200_000, currency: 'USD' },
              to: { amount: 1_200_000, currency: 'EUR' },
              changedAt: t1,
            },
          },
        ]);
    });

    it('gives an owner to a deal that has none', () => {
      spec
        .given([created])
        .when(update({ owner: 'grace' }))
        .then([ownerChanged(null, 'grace')]);
    });

    it('clears the owner and the probability override with null', () => {
      spec
        .given([createdOwned, overrideChanged(null, 40)])
        .when(update({ owner: null, probability: null }))
        .then([ownerChanged('grace', null), overrideChanged(40, null)]);
      spec
        .given([created])
        .when(update({ owner: null, probability: null }))
        .then([]);
    });

    it('changes a probability override, 0 and 100 included', () => {
      spec
        .given([created, overrideChanged(null, 40)])
        .when(update({ probability: 0 }))
        .then([overrideChanged(40, 0)]);
      spec
        .given([created])
        .when(update({ probability: 100 }))
        .then([overrideChanged(null, 100)]);
      spec
        .given([created, overrideChanged(null, 40)])
        .when(update({ probability: 40 }))
        .then([]);
    });

    it('refuses a probability that is not a whole percent from 0 to 100', () => {
      for (const probability of [-1, 101, 33.3]) {
        spec
          .given([created])
          .when(update({ title: 'Renamed', probability }))
          .thenFails('INVALID_PROBABILITY', 'invalid', 'probability');
      }
    });

    it('checks every field given', () => {
      const given = spec.given([created]);
      given.when(update({ title: ' ' })).thenFails('REQUIRED_FIELD', 'invalid', 'title');
      given
        .when(update({ value: { amount: -1, currency: 'USD' } }))
        .thenFails('INVALID_AMOUNT', 'invalid', 'value.amount');
      given
        .when(update({ value: { amount: 100, currency: 'usd' } }))
        .thenFails('INVALID_CURRENCY', 'invalid', 'value.currency');
      given
        .when(update({ expectedCloseDate: '2026-02-30' }))
        .thenFails('INVALID_DATE', 'invalid', 'expectedCloseDate');
      given.when(update({ owner: '' })).thenFails('REQUIRED_FIELD', 'invalid', 'owner');
    });

    it('refuses to change a closed deal', () => {
      spec
        .given([created, won])
        .when(update({ title: 'Too late' }))
        .thenFails('DEAL_ALREADY_CLOSED', 'conflict');
      spec
        .given([created, lost])
        .when(update({ probability: 50 }))
        .thenFails('DEAL_ALREADY_CLOSED', 'conflict');
    });

    it('refuses to change a deal that does not exist', () => {
      spec
        .given([])
        .when(update({ title: 'Nobody' }))
        .thenFails('DEAL_NOT_FOUND', 'not_found');
    });
  });

  describe('WinDeal', () => {
    it('wins an open deal at its value and stage, keeping the note', () => {
      spec
        .given([created, advanced('qualification', 'negotiation')])
        .when(win('signed today'))
        .then([{ type: 'DealWon', data: { ...won.data, stage: 'negotiation', note: 'signed today' } }]);
    });

    it('wins at the value the deal has now', () => {
      spec
        .given([
          created,
          {
            type: 'DealValueChanged',
            data: {
              dealId,
              from: { amount: 1_200_000, currency: 'USD' },
              to: { amount: 900_000, currency: 'USD' },
              changedAt: t1,
            },
          },
        ])
        .when(win())
        .then([{ type: 'DealWon', data: { ...won.data, value: { amount: 900_000, currency: 'USD' } } }]);
    });

    it('refuses to win a deal twice, or a lost deal', () => {
      spec.given([created, won]).when(win()).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
      spec.given([created, lost]).when(win()).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
    });

    it('refuses to win a deal that does not exist', () => {
      spec.given([]).when(win()).thenFails('DEAL_NOT_FOUND', 'not_found');
    });
  });

  describe('LoseDeal', () => {
    it('loses an open deal with its reason, competitor and note', () => {
      spec
        .given([created])
        .when(lose({ reason: 'price', competitor: 'Acme CRM', note: 'they were 20% cheaper' }))
        .then([
          { type: 'DealLost', data: { ...lost.data, competitor: 'Acme CRM', note: 'they were 20% cheaper' } },
        ]);
    });

    it('requires a reason', () => {
      spec
        .given([created])
        .when(lose({ reason: ' ' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'reason');
    });

    it('refuses to lose a closed deal', () => {
      spec.given([created, lost]).when(lose()).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
      spec.given([created, won]).when(lose()).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
    });

    it('refuses to lose a deal that does not exist', () => {
      spec.given([]).when(lose()).thenFails('DEAL_NOT_FOUND', 'not_found');
    });
  });

  describe('ReopenDeal', () => {
    it('reopens a won deal in the stage it was won in', () => {
      spec
        .given([created, advanced('qualification', 'negotiation'), wonIn('negotiation')])
        .when(reopen())
        .then([reopened('won', 'negotiation')]);
    });

    it('reopens a lost deal in the stage it was lost in', () => {
      spec
        .given([
          created,
          advanced('qualification', 'proposal'),
          { ...lost, data: { ...lost.data, stage: 'proposal' } },
        ])
        .when(reopen())
        .then([reopened('lost', 'proposal')]);
    });

    it('refuses to reopen a deal that is open', () => {
      spec.given([created]).when(reopen()).thenFails('DEAL_NOT_CLOSED', 'conflict');
      spec
        .given([created, won, reopened('won', 'qualification')])
        .when(reopen())
        .thenFails('DEAL_NOT_CLOSED', 'conflict');
    });

    it('requires a reason', () => {
      spec.given([created, won]).when(reopen('')).thenFails('REQUIRED_FIELD', 'invalid', 'reason');
      spec.given([created, lost]).when(reopen(' ')).thenFails('REQUIRED_FIELD', 'invalid', 'reason');
      spec
        .given([created, lost])
        .when(reopen('x'.repeat(501)))
        .thenFails('FIELD_TOO_LONG', 'invalid', 'reason');
    });

    it('refuses to reopen a deal that does not exist', () => {
      spec.given([]).when(reopen()).thenFails('DEAL_NOT_FOUND', 'not_found');
    });

    it('leaves a deal that can be worked, won and lost again', () => {
      const again = [
        created,
        advanced('qualification', 'negotiation'),
        wonIn('negotiation'),
        reopened('won', 'negotiation'),
      ];
      spec
        .given(again)
        .when(move('proposal'))
        .then([reverted('negotiation', 'proposal')]);
      spec
        .given(again)
        .when(win('signed at last'))
        .then([wonIn('negotiation', 'signed at last')]);
      spec
        .given(again)
        .when(lose())
        .then([{ type: 'DealLost', data: { ...lost.data, stage: 'negotiation' } }]);
    });
  });

  describe('MoveDealToPipeline', () => {
    const inDemo = [created, advanced('qualification', 'demo')];

    it('moves a deal to the first active stage of another pipeline', () => {
      spec
        .given(inDemo)
        .when(moveToPipeline('enterprise', enterprise))
        .then([
          movedToPipeline(
            { pipelineId: 'default', stage: 'demo' },
            { pipelineId: 'enterprise', stage: 'discovery' },
          ),
        ]);
      spec
        .given(inDemo)
        .when(moveToPipeline('enterprise', enterpriseWithoutDiscovery))
        .then([
          movedToPipeline(
            { pipelineId: 'default', stage: 'demo' },
            { pipelineId: 'enterprise', stage: 'pilot' },
          ),
        ]);
    });

    it('moves a deal to the active stage given', () => {
      spec
        .given(inDemo)
        .when(moveToPipeline('enterprise', enterprise, 'security_review'))
        .then([
          movedToPipeline(
            { pipelineId: 'default', stage: 'demo' },
            { pipelineId: 'enterprise', stage: 'security_review' },
          ),
        ]);
      spec
        .given([createdIn('enterprise', 'contract')])
        .when(moveToPipeline('default', DEFAULT_PIPELINE, 'negotiation'))
        .then([
          movedToPipeline(
            { pipelineId: 'enterprise', stage: 'contract' },
            { pipelineId: 'default', stage: 'negotiation' },
          ),
        ]);
    });

    it('refuses the pipeline the deal is in: a move there changes its stage', () => {
      spec
        .given(inDemo)
        .when(moveToPipeline('default', DEFAULT_PIPELINE, 'proposal'))
        .thenFails('SAME_PIPELINE', 'conflict');
    });

    it('refuses a pipeline that does not exist', () => {
      spec
        .given(inDemo)
        .when(moveToPipeline('ghost', noPipeline))
        .thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });

    it('refuses a retired stage of the target, or one it does not have', () => {
      spec
        .given(inDemo)
        .when(moveToPipeline('enterprise', enterpriseWithoutDiscovery, 'discovery'))
        .thenFails('STAGE_RETIRED', 'conflict');
      spec
        .given(inDemo)
        .when(moveToPipeline('enterprise', enterprise, 'demo'))
        .thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
    });

    it('refuses to move a closed deal', () => {
      spec
        .given([created, won])
        .when(moveToPipeline('enterprise', enterprise))
        .thenFails('DEAL_ALREADY_CLOSED', 'conflict');
      spec
        .given([created, lost])
        .when(moveToPipeline('enterprise', enterprise))
        .thenFails('DEAL_ALREADY_CLOSED', 'conflict');
    });

    it('refuses to move a deal that does not exist', () => {
      spec.given([]).when(moveToPipeline('enterprise', enterprise)).thenFails('DEAL_NOT_FOUND', 'not_found');
    });

    it('leaves the deal moving through its new pipeline', () => {
      const moved = [
        ...inDemo,
        movedToPipeline(
          { pipelineId: 'default', stage: 'demo' },
          { pipelineId: 'enterprise', stage: 'discovery' },
        ),
      ];
      spec
        .given(moved)
        .when(advance('pilot', enterprise))
        .then([advanced('discovery', 'pilot')]);
      spec.given(moved).when(advance('proposal', enterprise)).thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
    });
  });

  describe('state', () => {
    it('starts open in its pipeline and stage, with no override, owner or close', () => {
      expect(stateAfter([created])).toEqual({
        status: 'open',
        dealId,
        leadId,
        pipelineId: 'default',
        title: 'Analytics for Ada',
        value: { amount: 1_200_000, currency: 'USD' },
        stage: 'qualification',
        expectedCloseDate: '2026-06-30',
        owner: null,
        probabilityOverride: null,
        createdAt: t0,
        closedAt: null,
        wonNote: null,
        lostReason: null,
        competitor: null,
        lostNote: null,
        reopenedAt: null,
        stageEnteredAt: t0,
        interactions: { activities: {}, lastActivityAt: null, engagements: [] },
      });
      expect(stateAfter([createdIn('enterprise', 'pilot')])).toMatchObject({
        pipelineId: 'enterprise',
        stage: 'pilot',
      });
    });

    it('follows the deal through the pipeline to its close', () => {
      const state = [created, advanced('qualification', 'demo'), advanced('demo', 'proposal'), won].reduce(
        evolveDeal,
        initialDealState(),
      );
      expect(state).toMatchObject({ status: 'won', stage: 'proposal', closedAt: t2, lostReason: null });
    });

    it('keeps the lost reason and competitor', () => {
      const state = [created, { ...lost, data: { ...lost.data, competitor: 'Acme' } }].reduce(
        evolveDeal,
        initialDealState(),
      );
      expect(state).toMatchObject({ status: 'lost', closedAt: t2, lostReason: 'price', competitor: 'Acme' });
    });

    it('goes back to the stage a revert names', () => {
      expect(
        stateAfter([
          created,
          advanced('qualification', 'negotiation'),
          reverted('negotiation', 'demo', 'why'),
        ]),
      ).toMatchObject({ status: 'open', stage: 'demo' });
    });

    it('takes each field change', () => {
      const state = stateAfter([
        createdOwned,
        {
          type: 'DealTitleChanged',
          data: { dealId, from: 'Analytics for Ada', to: 'Platform', changedAt: t1 },
        },
        {
          type: 'DealValueChanged',
          data: {
            dealId,
            from: { amount: 1_200_000, currency: 'USD' },
            to: { amount: 5_000, currency: 'EUR' },
            changedAt: t1,
          },
        },
        {
          type: 'DealExpectedCloseDateChanged',
          data: { dealId, from: '2026-06-30', to: '2026-09-30', changedAt: t1 },
        },
        ownerChanged('grace', 'alan'),
        overrideChanged(null, 35),
      ]);
      expect(state).toMatchObject({
        title: 'Platform',
        value: { amount: 5_000, currency: 'EUR' },
        expectedCloseDate: '2026-09-30',
        owner: 'alan',
        probabilityOverride: 35,
      });
      expect(
        stateAfter([
          createdOwned,
          ownerChanged('grace', null),
          overrideChanged(null, 35),
          overrideChanged(35, null),
        ]),
      ).toMatchObject({
        owner: null,
        probabilityOverride: null,
      });
    });

    it('is open again after a reopen, in the stage it closed in, with nothing left of the close', () => {
      const wonState = stateAfter([
        created,
        advanced('qualification', 'negotiation'),
        wonIn('negotiation', 'signed'),
        reopened('won', 'negotiation'),
      ]);
      expect(wonState).toEqual({
        ...stateAfter([created]),
        status: 'open',
        stage: 'negotiation',
        stageEnteredAt: t3,
        closedAt: null,
        wonNote: null,
        lostReason: null,
        competitor: null,
        lostNote: null,
        reopenedAt: t3,
      });
      const lostState = stateAfter([
        created,
        { ...lost, data: { ...lost.data, competitor: 'Acme', note: 'cheaper' } },
        reopened('lost', 'qualification'),
      ]);
      expect(lostState).toMatchObject({
        status: 'open',
        stage: 'qualification',
        closedAt: null,
        lostReason: null,
        competitor: null,
        lostNote: null,
        reopenedAt: t3,
      });
    });

    it('is in the new pipeline and stage after a move to another pipeline', () => {
      expect(
        stateAfter([
          created,
          movedToPipeline(
            { pipelineId: 'default', stage: 'qualification' },
            { pipelineId: 'enterprise', stage: 'pilot' },
          ),
        ]),
      ).toMatchObject({ status: 'open', pipelineId: 'enterprise', stage: 'pilot' });
    });
  });

  describe('deal id', () => {
    it('is derived from the lead id, the same every time, and differs between leads', () => {
      expect(dealIdForLead(leadId)).toBe(dealId);
      expect(dealIdForLead(leadId.toUpperCase())).toBe(dealId);
      expect(dealIdForLead('7d0c1a7e-5b7e-4c8e-8d0e-2f4b9a1c3e5d')).not.toBe(dealId);
      expect(dealId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it('is the same version 5 id for a time-ordered (version 7) lead id: clients could always send those', () => {
      // Deriving another id for such leads would give a lead that already has a deal a second one.
      expect(dealIdForLead('019ab0c2-1f00-7abc-8def-0123456789ab')).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });
  });
});

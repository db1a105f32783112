import type { LeadState } from '../lead/lead.state';
import { deciderSpec } from '../testing/decider-spec';
import type { AdvanceStage, CreateDeal, LoseDeal, WinDeal } from './deal.commands';
import { dealDecider } from './deal.decider';
import type { DealCreated, DealLost, DealWon, StageAdvanced } from './deal.events';
import { dealIdForLead } from './deal-id';
import { evolveDeal, initialDealState } from './deal.state';

const leadId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const dealId = dealIdForLead(leadId);
const t0 = '2026-03-05T09:30:00.000Z';
const t1 = '2026-03-10T14:00:00.000Z';
const t2 = '2026-04-01T08:00:00.000Z';

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
        capturedAt: t0,
        qualification: null,
        disqualification: null,
      };

const create = (data: Partial<CreateDeal['data']> = {}): CreateDeal => ({
  type: 'CreateDeal',
  data: {
    dealId,
    leadId,
    title: 'Analytics for Ada',
    value: { amount: 1_200_000, currency: 'USD' },
    expectedCloseDate: '2026-06-30',
    lead: lead('qualified'),
    ...data,
  },
  metadata: { now: t0 },
});
const created: DealCreated = {
  type: 'DealCreated',
  data: {
    dealId,
    leadId,
    title: 'Analytics for Ada',
    value: { amount: 1_200_000, currency: 'USD' },
    expectedCloseDate: '2026-06-30',
    stage: 'qualification',
    createdAt: t0,
  },
};
const advance = (stage: string): AdvanceStage => ({
  type: 'AdvanceStage',
  data: { dealId, stage },
  metadata: { now: t1 },
});
const advanced = (from: StageAdvanced['data']['from'], to: StageAdvanced['data']['to']): StageAdvanced => ({
  type: 'StageAdvanced',
  data: { dealId, from, to, advancedAt: t1 },
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

const spec = deciderSpec(dealDecider);

describe('Deal', () => {
  describe('CreateDeal', () => {
    it('creates a deal for a qualified lead, in the first stage, with its owner', () => {
      spec
        .given([])
        .when(create({ owner: 'grace' }))
        .then([{ type: 'DealCreated', data: { ...created.data, owner: 'grace' } }]);
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

    it('refuses a stage that is not in the pipeline', () => {
      spec.given([created]).when(advance('closing')).thenFails('UNKNOWN_STAGE', 'invalid', 'stage');
    });

    it('refuses to move a closed deal', () => {
      spec.given([created, won]).when(advance('demo')).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
      spec.given([created, lost]).when(advance('demo')).thenFails('DEAL_ALREADY_CLOSED', 'conflict');
    });

    it('refuses to move a deal that does not exist', () => {
      spec.given([]).when(advance('demo')).thenFails('DEAL_NOT_FOUND', 'not_found');
    });
  });

  describe('WinDeal', () => {
    it('wins an open deal at its value and stage, keeping the note', () => {
      spec
        .given([created, advanced('qualification', 'negotiation')])
        .when(win('signed today'))
        .then([{ type: 'DealWon', data: { ...won.data, stage: 'negotiation', note: 'signed today' } }]);
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

  describe('state', () => {
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

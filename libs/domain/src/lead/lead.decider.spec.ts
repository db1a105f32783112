import { deciderSpec } from '../testing/decider-spec';
import type { CaptureLead, DisqualifyLead, QualifyLead } from './lead.commands';
import { leadDecider } from './lead.decider';
import type { LeadCaptured, LeadDisqualified, LeadQualified } from './lead.events';
import { evolveLead, initialLeadState } from './lead.state';

const leadId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const now = '2026-03-01T10:00:00.000Z';
const later = '2026-03-05T09:30:00.000Z';

const capture = (data: Partial<CaptureLead['data']> = {}): CaptureLead => ({
  type: 'CaptureLead',
  data: { leadId, name: 'Ada Lovelace', email: 'ada@example.com', source: 'web_form', ...data },
  metadata: { now },
});
const captured: LeadCaptured = {
  type: 'LeadCaptured',
  data: {
    leadId,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    source: 'web_form',
    tags: [],
    capturedAt: now,
  },
};
const qualify = (data: Partial<QualifyLead['data']> = {}): QualifyLead => ({
  type: 'QualifyLead',
  data: { leadId, budget: { amount: 500000, currency: 'EUR' }, timeline: '2026-06-30', ...data },
  metadata: { now: later },
});
const qualified: LeadQualified = {
  type: 'LeadQualified',
  data: { leadId, budget: { amount: 500000, currency: 'EUR' }, timeline: '2026-06-30', qualifiedAt: later },
};
const disqualify = (data: Partial<DisqualifyLead['data']> = {}): DisqualifyLead => ({
  type: 'DisqualifyLead',
  data: { leadId, reason: 'no_budget', ...data },
  metadata: { now: later },
});
const disqualified: LeadDisqualified = {
  type: 'LeadDisqualified',
  data: { leadId, reason: 'no_budget', disqualifiedAt: later },
};

const spec = deciderSpec(leadDecider);

describe('Lead', () => {
  describe('CaptureLead', () => {
    it('captures a new lead with its contact details, source, campaign and tags', () => {
      spec
        .given([])
        .when(
          capture({
            company: 'Analytical Engines Ltd',
            phone: '+44 20 7946 0000',
            campaign: 'spring-2026',
            interest: 'pipeline analytics',
            tags: ['enterprise', 'hot'],
          }),
        )
        .then([
          {
            type: 'LeadCaptured',
            data: {
              leadId,
              name: 'Ada Lovelace',
              email: 'ada@example.com',
              company: 'Analytical Engines Ltd',
              phone: '+44 20 7946 0000',
              source: 'web_form',
              campaign: 'spring-2026',
              interest: 'pipeline analytics',
              tags: ['enterprise', 'hot'],
              capturedAt: now,
            },
          },
        ]);
    });

    it('leaves optional fields out and keeps each tag once', () => {
      spec
        .given([])
        .when(capture({ tags: ['hot', 'hot', 'vip'] }))
        .then([{ ...captured, data: { ...captured.data, tags: ['hot', 'vip'] } }]);
    });

    it('refuses to capture the same lead twice', () => {
      spec.given([captured]).when(capture()).thenFails('LEAD_ALREADY_EXISTS', 'conflict');
    });

    it('refuses a lead that was qualified or disqualified, too', () => {
      spec.given([captured, qualified]).when(capture()).thenFails('LEAD_ALREADY_EXISTS', 'conflict');
      spec.given([captured, disqualified]).when(capture()).thenFails('LEAD_ALREADY_EXISTS', 'conflict');
    });

    it('refuses an empty name or email', () => {
      spec
        .given([])
        .when(capture({ name: '  ' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'name');
      spec
        .given([])
        .when(capture({ email: '' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'email');
    });

    it('refuses a source that is not a lowercase slug', () => {
      spec
        .given([])
        .when(capture({ source: 'Web Form' }))
        .thenFails('INVALID_SOURCE', 'invalid', 'source');
    });

    it('accepts a source outside the usual list when it is a slug', () => {
      spec
        .given([])
        .when(capture({ source: 'partner_portal' }))
        .then([{ ...captured, data: { ...captured.data, source: 'partner_portal' } }]);
    });

    it('refuses tags that are not slugs and more than 20 tags', () => {
      spec
        .given([])
        .when(capture({ tags: ['Hot Lead'] }))
        .thenFails('INVALID_TAG', 'invalid', 'tags');
      const tags = Array.from({ length: 21 }, (_, i) => `t${i}`);
      spec.given([]).when(capture({ tags })).thenFails('TOO_MANY_TAGS', 'invalid', 'tags');
    });
  });

  describe('QualifyLead', () => {
    it('qualifies a captured lead with budget and timeline, keeping authority, need and note', () => {
      spec
        .given([captured])
        .when(qualify({ authority: 'CFO signs', need: 'forecasting', note: 'call went well' }))
        .then([
          {
            type: 'LeadQualified',
            data: {
              ...qualified.data,
              authority: 'CFO signs',
              need: 'forecasting',
              note: 'call went well',
            },
          },
        ]);
    });

    it('refuses to qualify a lead that was never captured', () => {
      spec.given([]).when(qualify()).thenFails('LEAD_NOT_FOUND', 'not_found');
    });

    it('refuses to qualify a lead twice', () => {
      spec.given([captured, qualified]).when(qualify()).thenFails('LEAD_ALREADY_QUALIFIED', 'conflict');
    });

    it('refuses to qualify a disqualified lead', () => {
      spec.given([captured, disqualified]).when(qualify()).thenFails('LEAD_ALREADY_DISQUALIFIED', 'conflict');
    });

    it('refuses a budget that is not whole minor units, negative, or in an unknown currency', () => {
      const given = spec.given([captured]);
      given
        .when(qualify({ budget: { amount: 10.5, currency: 'EUR' } }))
        .thenFails('INVALID_AMOUNT', 'invalid', 'budget.amount');
      given
        .when(qualify({ budget: { amount: -1, currency: 'EUR' } }))
        .thenFails('INVALID_AMOUNT', 'invalid', 'budget.amount');
      given
        .when(qualify({ budget: { amount: 100, currency: 'XYZ' } }))
        .thenFails('INVALID_CURRENCY', 'invalid', 'budget.currency');
      given
        .when(qualify({ budget: { amount: 100, currency: 'eur' } }))
        .thenFails('INVALID_CURRENCY', 'invalid', 'budget.currency');
    });

    it('refuses a timeline that is not a real calendar date', () => {
      const given = spec.given([captured]);
      given.when(qualify({ timeline: '2026-02-30' })).thenFails('INVALID_DATE', 'invalid', 'timeline');
      given.when(qualify({ timeline: 'next quarter' })).thenFails('INVALID_DATE', 'invalid', 'timeline');
    });
  });

  describe('DisqualifyLead', () => {
    it('disqualifies a captured lead with a reason and a note', () => {
      spec
        .given([captured])
        .when(disqualify({ reason: 'competitor', note: 'signed with Acme' }))
        .then([
          {
            type: 'LeadDisqualified',
            data: { leadId, reason: 'competitor', note: 'signed with Acme', disqualifiedAt: later },
          },
        ]);
    });

    it('refuses to disqualify a lead that was never captured', () => {
      spec.given([]).when(disqualify()).thenFails('LEAD_NOT_FOUND', 'not_found');
    });

    it('refuses to disqualify a lead twice or after qualification', () => {
      spec
        .given([captured, disqualified])
        .when(disqualify())
        .thenFails('LEAD_ALREADY_DISQUALIFIED', 'conflict');
      spec.given([captured, qualified]).when(disqualify()).thenFails('LEAD_ALREADY_QUALIFIED', 'conflict');
    });

    it('refuses a reason outside the list', () => {
      spec
        .given([captured])
        .when(disqualify({ reason: 'bored' as DisqualifyLead['data']['reason'] }))
        .thenFails('INVALID_REASON', 'invalid', 'reason');
    });
  });

  describe('state', () => {
    it('folds the history into the state an auditor and a salesperson read', () => {
      const state = [captured, qualified].reduce(evolveLead, initialLeadState());
      expect(state).toEqual({
        status: 'qualified',
        leadId,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        company: null,
        phone: null,
        source: 'web_form',
        campaign: null,
        interest: null,
        tags: [],
        capturedAt: now,
        qualification: {
          budget: { amount: 500000, currency: 'EUR' },
          timeline: '2026-06-30',
          authority: null,
          need: null,
          note: null,
          qualifiedAt: later,
        },
        disqualification: null,
      });
    });

    it('keeps a disqualified lead with its reason (archived, never deleted)', () => {
      const state = [captured, disqualified].reduce(evolveLead, initialLeadState());
      expect(state).toMatchObject({
        status: 'disqualified',
        name: 'Ada Lovelace',
        disqualification: { reason: 'no_budget', note: null, disqualifiedAt: later },
      });
    });
  });
});

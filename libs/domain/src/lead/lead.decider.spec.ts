import { deciderSpec } from '../testing/decider-spec';
import type {
  CaptureLead,
  DisqualifyLead,
  EraseLead,
  QualifyLead,
  ReactivateLead,
  UpdateLead,
} from './lead.commands';
import { MAX_TAGS, leadDecider } from './lead.decider';
import type {
  ContactField,
  LeadCaptured,
  LeadContactCorrected,
  LeadDisqualified,
  LeadErased,
  LeadEvent,
  LeadInterestChanged,
  LeadOwnerChanged,
  LeadQualified,
  LeadReactivated,
  LeadTagsChanged,
} from './lead.events';
import { type LeadState, evolveLead, initialLeadState } from './lead.state';

const leadId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const now = '2026-03-01T10:00:00.000Z';
const later = '2026-03-05T09:30:00.000Z';
const evenLater = '2026-04-02T15:00:00.000Z';

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

/** A lead captured with every optional field. */
const capturedFull: LeadCaptured = {
  type: 'LeadCaptured',
  data: {
    ...captured.data,
    company: 'Analytical Engines Ltd',
    phone: '+44 20 7946 0000',
    interest: 'pipeline analytics',
    tags: ['enterprise', 'hot'],
  },
};
const update = (data: Omit<UpdateLead['data'], 'leadId'>): UpdateLead => ({
  type: 'UpdateLead',
  data: { leadId, ...data },
  metadata: { now: evenLater },
});
const corrected = (field: ContactField, from: string | null, to: string | null): LeadContactCorrected => ({
  type: 'LeadContactCorrected',
  data: { leadId, field, from, to, correctedAt: evenLater },
});
const interestChanged = (from: string | null, to: string | null): LeadInterestChanged => ({
  type: 'LeadInterestChanged',
  data: { leadId, from, to, changedAt: evenLater },
});
const tagsChanged = (from: string[], to: string[]): LeadTagsChanged => ({
  type: 'LeadTagsChanged',
  data: { leadId, from, to, changedAt: evenLater },
});
const ownerChanged = (from: string | null, to: string | null): LeadOwnerChanged => ({
  type: 'LeadOwnerChanged',
  data: { leadId, from, to, changedAt: evenLater },
});
const reactivate = (reason = 'they found a budget after all'): ReactivateLead => ({
  type: 'ReactivateLead',
  data: { leadId, reason },
  metadata: { now: evenLater },
});
const reactivated: LeadReactivated = {
  type: 'LeadReactivated',
  data: { leadId, reason: 'they found a budget after all', reactivatedAt: evenLater },
};

const spec = deciderSpec(leadDecider);
const stateAfter = (events: LeadEvent[]): LeadState => events.reduce(evolveLead, initialLeadState());

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

  describe('UpdateLead', () => {
    it('corrects each contact field that changes, in the order name, email, phone, company, with old and new', () => {
      spec
        .given([capturedFull])
        .when(
          update({
            company: 'Babbage & Co',
            phone: '+44 20 7946 0001',
            email: 'ada@babbage.example',
            name: 'Ada King',
          }),
        )
        .then([
          corrected('name', 'Ada Lovelace', 'Ada King'),
          corrected('email', 'ada@example.com', 'ada@babbage.example'),
          corrected('phone', '+44 20 7946 0000', '+44 20 7946 0001'),
          corrected('company', 'Analytical Engines Ltd', 'Babbage & Co'),
        ]);
    });

    it('gives a phone and a company to a lead that had none', () => {
      spec
        .given([captured])
        .when(update({ phone: '+1 555 0100', company: 'Engines Inc' }))
        .then([corrected('phone', null, '+1 555 0100'), corrected('company', null, 'Engines Inc')]);
    });

    it('clears phone and company with null', () => {
      spec
        .given([capturedFull])
        .when(update({ phone: null, company: null }))
        .then([
          corrected('phone', '+44 20 7946 0000', null),
          corrected('company', 'Analytical Engines Ltd', null),
        ]);
      spec
        .given([captured])
        .when(update({ phone: null, company: null }))
        .then([]);
    });

    it('refuses to clear or empty the name or the email', () => {
      const given = spec.given([captured]);
      given.when(update({ name: null as unknown as string })).thenFails('REQUIRED_FIELD', 'invalid', 'name');
      given
        .when(update({ email: null as unknown as string }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'email');
      given.when(update({ name: ' ' })).thenFails('REQUIRED_FIELD', 'invalid', 'name');
      given.when(update({ email: '' })).thenFails('REQUIRED_FIELD', 'invalid', 'email');
    });

    it('refuses a contact field that is empty or too long', () => {
      const given = spec.given([captured]);
      given.when(update({ phone: '' })).thenFails('REQUIRED_FIELD', 'invalid', 'phone');
      given.when(update({ phone: '1'.repeat(51) })).thenFails('FIELD_TOO_LONG', 'invalid', 'phone');
      given.when(update({ company: 'c'.repeat(201) })).thenFails('FIELD_TOO_LONG', 'invalid', 'company');
      given.when(update({ email: 'e'.repeat(321) })).thenFails('FIELD_TOO_LONG', 'invalid', 'email');
    });

    it('changes the interest, and clears it with null', () => {
      spec
        .given([capturedFull])
        .when(update({ interest: 'forecasting' }))
        .then([interestChanged('pipeline analytics', 'forecasting')]);
      spec
        .given([capturedFull])
        .when(update({ interest: null }))
        .then([interestChanged('pipeline analytics', null)]);
      spec
        .given([captured])
        .when(update({ interest: 'forecasting' }))
        .then([interestChanged(null, 'forecasting')]);
      spec
        .given([captured])
        .when(update({ interest: ' ' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'interest');
    });

    it('changes the tags, keeping each tag once', () => {
      spec
        .given([capturedFull])
        .when(update({ tags: ['vip', 'hot', 'vip'] }))
        .then([tagsChanged(['enterprise', 'hot'], ['vip', 'hot'])]);
      spec
        .given([capturedFull])
        .when(update({ tags: [] }))
        .then([tagsChanged(['enterprise', 'hot'], [])]);
    });

    it('writes nothing when the tags, once de-duplicated, are the ones the lead has', () => {
      spec
        .given([capturedFull])
        .when(update({ tags: ['enterprise', 'hot', 'hot', 'enterprise'] }))
        .then([]);
    });

    it('refuses tags that are not slugs and more than 20 different tags', () => {
      const given = spec.given([capturedFull]);
      given.when(update({ tags: ['hot', 'Hot Lead'] })).thenFails('INVALID_TAG', 'invalid', 'tags');
      const tags = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`);
      given.when(update({ tags })).thenFails('TOO_MANY_TAGS', 'invalid', 'tags');
      const twenty = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
      given.when(update({ tags: [...twenty, 't0'] })).then([tagsChanged(['enterprise', 'hot'], twenty)]);
    });

    it('assigns, changes and clears the owner', () => {
      spec
        .given([captured])
        .when(update({ owner: 'grace' }))
        .then([ownerChanged(null, 'grace')]);
      spec
        .given([captured, ownerChanged(null, 'grace')])
        .when(update({ owner: 'alan' }))
        .then([ownerChanged('grace', 'alan')]);
      spec
        .given([captured, ownerChanged(null, 'grace')])
        .when(update({ owner: null }))
        .then([ownerChanged('grace', null)]);
      spec
        .given([captured])
        .when(update({ owner: null }))
        .then([]);
      spec
        .given([captured])
        .when(update({ owner: '' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'owner');
    });

    it('writes one event per changed field, contact fields first, then interest, tags and owner', () => {
      spec
        .given([capturedFull])
        .when(
          update({ owner: 'grace', tags: ['hot'], interest: 'forecasting', company: null, name: 'Ada King' }),
        )
        .then([
          corrected('name', 'Ada Lovelace', 'Ada King'),
          corrected('company', 'Analytical Engines Ltd', null),
          interestChanged('pipeline analytics', 'forecasting'),
          tagsChanged(['enterprise', 'hot'], ['hot']),
          ownerChanged(null, 'grace'),
        ]);
    });

    it('writes nothing for fields given with the values the lead has', () => {
      spec
        .given([capturedFull, ownerChanged(null, 'grace')])
        .when(
          update({
            name: 'Ada Lovelace',
            email: 'ada@example.com',
            phone: '+44 20 7946 0000',
            company: 'Analytical Engines Ltd',
            interest: 'pipeline analytics',
            tags: ['enterprise', 'hot'],
            owner: 'grace',
          }),
        )
        .then([]);
      spec.given([captured]).when(update({})).then([]);
    });

    it('corrects a lead whatever its status: qualified, disqualified or reactivated', () => {
      spec
        .given([captured, qualified])
        .when(update({ email: 'ada@babbage.example' }))
        .then([corrected('email', 'ada@example.com', 'ada@babbage.example')]);
      spec
        .given([captured, disqualified])
        .when(update({ owner: 'grace' }))
        .then([ownerChanged(null, 'grace')]);
      spec
        .given([captured, disqualified, reactivated])
        .when(update({ tags: ['hot'] }))
        .then([tagsChanged([], ['hot'])]);
    });

    it('refuses to correct a lead that was never captured', () => {
      spec
        .given([])
        .when(update({ name: 'Ada' }))
        .thenFails('LEAD_NOT_FOUND', 'not_found');
    });
  });

  describe('ReactivateLead', () => {
    it('reactivates a disqualified lead with a reason', () => {
      spec.given([captured, disqualified]).when(reactivate()).then([reactivated]);
    });

    it('leaves a lead that can be qualified, or disqualified, again', () => {
      spec.given([captured, disqualified, reactivated]).when(qualify()).then([qualified]);
      spec
        .given([captured, disqualified, reactivated])
        .when(disqualify({ reason: 'unreachable' }))
        .then([{ type: 'LeadDisqualified', data: { leadId, reason: 'unreachable', disqualifiedAt: later } }]);
    });

    it('refuses a qualified lead: qualification is final', () => {
      spec.given([captured, qualified]).when(reactivate()).thenFails('LEAD_NOT_DISQUALIFIED', 'conflict');
    });

    it('refuses an open lead: captured, or already reactivated', () => {
      spec.given([captured]).when(reactivate()).thenFails('LEAD_NOT_DISQUALIFIED', 'conflict');
      spec
        .given([captured, disqualified, reactivated])
        .when(reactivate())
        .thenFails('LEAD_NOT_DISQUALIFIED', 'conflict');
    });

    it('requires a reason', () => {
      spec
        .given([captured, disqualified])
        .when(reactivate(''))
        .thenFails('REQUIRED_FIELD', 'invalid', 'reason');
      spec
        .given([captured, disqualified])
        .when(reactivate('r'.repeat(501)))
        .thenFails('FIELD_TOO_LONG', 'invalid', 'reason');
    });

    it('refuses a lead that was never captured', () => {
      spec.given([]).when(reactivate()).thenFails('LEAD_NOT_FOUND', 'not_found');
    });
  });

  describe('EraseLead', () => {
    const erase = (reason = 'the person asked (Art. 17)'): EraseLead => ({
      type: 'EraseLead',
      data: { leadId, reason },
      metadata: { now: evenLater },
    });
    const erased: LeadErased = {
      type: 'LeadErased',
      data: { leadId, reason: 'the person asked (Art. 17)', erasedAt: evenLater },
    };

    it('erases a lead whatever its status, with a reason and no personal data in the event', () => {
      spec.given([captured]).when(erase()).then([erased]);
      spec.given([captured, qualified]).when(erase()).then([erased]);
      spec.given([captured, disqualified]).when(erase()).then([erased]);
    });

    it('refuses a second erasure, and every change after it', () => {
      spec.given([captured, erased]).when(erase()).thenFails('LEAD_ALREADY_ERASED', 'conflict');
      spec.given([captured, erased]).when(qualify()).thenFails('LEAD_ERASED', 'conflict');
      spec
        .given([captured, erased])
        .when(update({ name: 'Ada' }))
        .thenFails('LEAD_ERASED', 'conflict');
      spec.given([captured, erased]).when(capture()).thenFails('LEAD_ALREADY_EXISTS', 'conflict');
    });

    it('refuses a lead that does not exist and a reason that is empty or too long', () => {
      spec.given([]).when(erase()).thenFails('LEAD_NOT_FOUND', 'not_found');
      spec.given([captured]).when(erase(' ')).thenFails('REQUIRED_FIELD', 'invalid', 'reason');
      spec
        .given([captured])
        .when(erase('r'.repeat(501)))
        .thenFails('FIELD_TOO_LONG', 'invalid', 'reason');
    });

    it('leaves the lead without its contact fields and what was written about the person, saying when and why', () => {
      const qualifiedWithNotes: LeadQualified = {
        ...qualified,
        data: { ...qualified.data, authority: 'Ada herself', need: 'a difference engine', note: 'call Ada' },
      };
      expect(stateAfter([capturedFull, qualifiedWithNotes, erased])).toMatchObject({
        status: 'qualified',
        name: null,
        email: null,
        company: null,
        phone: null,
        qualification: { authority: null, need: null, note: null, budget: qualified.data.budget },
        erased: { at: evenLater, reason: 'the person asked (Art. 17)' },
      });
      expect(stateAfter([captured, disqualified, erased])).toMatchObject({
        disqualification: { reason: 'no_budget', note: null },
      });
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
        owner: null,
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
        interactions: { activities: {}, lastActivityAt: null, engagements: [] },
        erased: null,
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

    it('takes every correction', () => {
      const state = stateAfter([
        capturedFull,
        corrected('name', 'Ada Lovelace', 'Ada King'),
        corrected('email', 'ada@example.com', 'ada@babbage.example'),
        corrected('phone', '+44 20 7946 0000', null),
        corrected('company', 'Analytical Engines Ltd', 'Babbage & Co'),
        interestChanged('pipeline analytics', null),
        tagsChanged(['enterprise', 'hot'], ['vip']),
        ownerChanged(null, 'grace'),
      ]);
      expect(state).toMatchObject({
        status: 'captured',
        name: 'Ada King',
        email: 'ada@babbage.example',
        phone: null,
        company: 'Babbage & Co',
        interest: null,
        tags: ['vip'],
        owner: 'grace',
      });
      expect(stateAfter([captured, ownerChanged(null, 'grace'), ownerChanged('grace', null)])).toMatchObject({
        owner: null,
      });
    });

    it('is open again after a reactivation, with no disqualification left', () => {
      const state = stateAfter([captured, ownerChanged(null, 'grace'), disqualified, reactivated]);
      expect(state).toEqual(stateAfter([captured, ownerChanged(null, 'grace')]));
      expect(state).toMatchObject({ status: 'captured', disqualification: null, owner: 'grace' });
      expect(stateAfter([captured, disqualified, reactivated, qualified])).toMatchObject({
        status: 'qualified',
        disqualification: null,
        qualification: { qualifiedAt: later },
      });
    });
  });
});

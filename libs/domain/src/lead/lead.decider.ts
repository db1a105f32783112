import { conflict, invalid, notFound } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { optional } from '../shared/optional';
import { SLUG_PATTERN, assertCalendarDate, assertMoney, assertText } from '../shared/values';
import type { CaptureLead, DisqualifyLead, LeadCommand, QualifyLead } from './lead.commands';
import { DISQUALIFICATION_REASONS, type LeadEvent } from './lead.events';
import { type CapturedLead, type LeadState, evolveLead, initialLeadState } from './lead.state';

export const MAX_TAGS = 20;

export function decideLead(command: LeadCommand, state: LeadState): LeadEvent[] {
  switch (command.type) {
    case 'CaptureLead':
      return captureLead(command, state);
    case 'QualifyLead':
      return qualifyLead(command, state);
    case 'DisqualifyLead':
      return disqualifyLead(command, state);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

function captureLead({ data, metadata }: CaptureLead, state: LeadState): LeadEvent[] {
  if (state.status !== 'none') {
    throw conflict('LEAD_ALREADY_EXISTS', `lead ${data.leadId} was already captured`);
  }
  assertText(data.name, 'name', 200);
  assertText(data.email, 'email', 320);
  if (!SLUG_PATTERN.test(data.source)) {
    throw invalid('INVALID_SOURCE', 'source', 'source must be a lowercase slug such as web_form or referral');
  }
  const tags = [...new Set(data.tags ?? [])];
  if (tags.length > MAX_TAGS) {
    throw invalid('TOO_MANY_TAGS', 'tags', `a lead has at most ${MAX_TAGS} tags`);
  }
  for (const tag of tags) {
    if (!SLUG_PATTERN.test(tag)) {
      throw invalid('INVALID_TAG', 'tags', `tag "${tag}" must be a lowercase slug`);
    }
  }
  return [
    {
      type: 'LeadCaptured',
      data: {
        leadId: data.leadId,
        name: data.name,
        email: data.email,
        ...optional('company', data.company),
        ...optional('phone', data.phone),
        source: data.source,
        ...optional('campaign', data.campaign),
        ...optional('interest', data.interest),
        tags,
        capturedAt: metadata.now,
      },
    },
  ];
}

function openLead(state: LeadState, leadId: string): CapturedLead {
  if (state.status === 'none') {
    throw notFound('LEAD_NOT_FOUND', `lead ${leadId} does not exist`);
  }
  if (state.status === 'qualified') {
    throw conflict('LEAD_ALREADY_QUALIFIED', `lead ${leadId} is already qualified; qualification is final`);
  }
  if (state.status === 'disqualified') {
    throw conflict('LEAD_ALREADY_DISQUALIFIED', `lead ${leadId} is disqualified; disqualification is final`);
  }
  return state;
}

function qualifyLead({ data, metadata }: QualifyLead, state: LeadState): LeadEvent[] {
  openLead(state, data.leadId);
  assertMoney(data.budget, 'budget');
  assertCalendarDate(data.timeline, 'timeline');
  return [
    {
      type: 'LeadQualified',
      data: {
        leadId: data.leadId,
        budget: { amount: data.budget.amount, currency: data.budget.currency },
        timeline: data.timeline,
        ...optional('authority', data.authority),
        ...optional('need', data.need),
        ...optional('note', data.note),
        qualifiedAt: metadata.now,
      },
    },
  ];
}

function disqualifyLead({ data, metadata }: DisqualifyLead, state: LeadState): LeadEvent[] {
  openLead(state, data.leadId);
  if (!(DISQUALIFICATION_REASONS as readonly string[]).includes(data.reason)) {
    throw invalid('INVALID_REASON', 'reason', `reason must be one of ${DISQUALIFICATION_REASONS.join(', ')}`);
  }
  return [
    {
      type: 'LeadDisqualified',
      data: {
        leadId: data.leadId,
        reason: data.reason,
        ...optional('note', data.note),
        disqualifiedAt: metadata.now,
      },
    },
  ];
}

export const leadDecider: Decider<LeadCommand, LeadState, LeadEvent> = {
  initialState: initialLeadState,
  decide: decideLead,
  evolve: evolveLead,
};

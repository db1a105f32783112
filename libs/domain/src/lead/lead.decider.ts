import { decideInteraction, interactionEvent } from '../interactions/interactions';
import { conflict, invalid, notFound } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { optional } from '../shared/optional';
import { SLUG_PATTERN, assertCalendarDate, assertMoney, assertText } from '../shared/values';
import type {
  CaptureLead,
  DisqualifyLead,
  EraseLead,
  LeadCommand,
  QualifyLead,
  ReactivateLead,
  RecordLeadInteraction,
  UpdateLead,
} from './lead.commands';
import { CONTACT_FIELDS, DISQUALIFICATION_REASONS, type LeadEvent } from './lead.events';
import { type CapturedLead, type LeadState, evolveLead, initialLeadState } from './lead.state';

export const MAX_TAGS = 20;

export function decideLead(command: LeadCommand, state: LeadState): LeadEvent[] {
  if (state.status !== 'none' && state.erased && command.type !== 'CaptureLead') {
    const message = `lead ${state.leadId}'s personal data was erased at ${state.erased.at}: the lead takes no more changes`;
    throw command.type === 'EraseLead'
      ? conflict('LEAD_ALREADY_ERASED', message)
      : conflict('LEAD_ERASED', message);
  }
  switch (command.type) {
    case 'CaptureLead':
      return captureLead(command, state);
    case 'QualifyLead':
      return qualifyLead(command, state);
    case 'DisqualifyLead':
      return disqualifyLead(command, state);
    case 'UpdateLead':
      return updateLead(command, state);
    case 'ReactivateLead':
      return reactivateLead(command, state);
    case 'RecordLeadInteraction':
      return recordInteraction(command, state);
    case 'EraseLead':
      return eraseLead(command, state);
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
  const tags = checkedTags(data.tags ?? []);
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

/** Each tag once, in the order given; every one a slug, at most MAX_TAGS. */
function checkedTags(given: readonly string[]): string[] {
  const tags = [...new Set(given)];
  if (tags.length > MAX_TAGS) {
    throw invalid('TOO_MANY_TAGS', 'tags', `a lead has at most ${MAX_TAGS} tags`);
  }
  for (const tag of tags) {
    if (!SLUG_PATTERN.test(tag)) {
      throw invalid('INVALID_TAG', 'tags', `tag "${tag}" must be a lowercase slug`);
    }
  }
  return tags;
}

const CONTACT_LIMITS = { name: 200, email: 320, phone: 50, company: 200 } as const;

function openLead(state: LeadState, leadId: string): CapturedLead {
  if (state.status === 'none') {
    throw notFound('LEAD_NOT_FOUND', `lead ${leadId} does not exist`);
  }
  if (state.status === 'qualified') {
    throw conflict('LEAD_ALREADY_QUALIFIED', `lead ${leadId} is already qualified; qualification is final`);
  }
  if (state.status === 'disqualified') {
    throw conflict('LEAD_ALREADY_DISQUALIFIED', `lead ${leadId} is disqualified; reactivate it first`);
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

function existingLead(state: LeadState, leadId: string): CapturedLead {
  if (state.status === 'none') {
    throw notFound('LEAD_NOT_FOUND', `lead ${leadId} does not exist`);
  }
  return state;
}

/** Corrections at any time, whatever the lead's status: one event per field that changes. */
function updateLead({ data, metadata }: UpdateLead, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, data.leadId);
  const events: LeadEvent[] = [];
  for (const field of CONTACT_FIELDS) {
    const to = data[field];
    if (to === undefined) continue;
    if (to === null && (field === 'name' || field === 'email')) {
      throw invalid('REQUIRED_FIELD', field, `${field} must not be empty`);
    }
    if (to !== null) assertText(to, field, CONTACT_LIMITS[field]);
    if (to !== lead[field]) {
      events.push({
        type: 'LeadContactCorrected',
        data: { leadId: data.leadId, field, from: lead[field], to, correctedAt: metadata.now },
      });
    }
  }
  const change = { leadId: data.leadId, changedAt: metadata.now };
  if (data.interest !== undefined) {
    if (data.interest !== null) assertText(data.interest, 'interest', 1000);
    if (data.interest !== lead.interest) {
      events.push({
        type: 'LeadInterestChanged',
        data: { ...change, from: lead.interest, to: data.interest },
      });
    }
  }
  if (data.tags !== undefined) {
    const tags = checkedTags(data.tags);
    if (tags.length !== lead.tags.length || tags.some((tag, i) => tag !== lead.tags[i])) {
      events.push({ type: 'LeadTagsChanged', data: { ...change, from: lead.tags, to: tags } });
    }
  }
  if (data.owner !== undefined) {
    if (data.owner !== null) assertText(data.owner, 'owner', 200);
    if (data.owner !== lead.owner) {
      events.push({ type: 'LeadOwnerChanged', data: { ...change, from: lead.owner, to: data.owner } });
    }
  }
  return events;
}

function reactivateLead({ data, metadata }: ReactivateLead, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, data.leadId);
  if (lead.status !== 'disqualified') {
    throw conflict(
      'LEAD_NOT_DISQUALIFIED',
      `lead ${data.leadId} is ${lead.status}: only a disqualified lead can be reactivated${lead.status === 'qualified' ? ' (qualified is final)' : ''}`,
    );
  }
  assertText(data.reason, 'reason', 500);
  return [
    {
      type: 'LeadReactivated',
      data: { leadId: data.leadId, reason: data.reason, reactivatedAt: metadata.now },
    },
  ];
}

/** Notes at any time; activities scheduled only while the lead is not disqualified (see interactions). */
function recordInteraction({ data, metadata }: RecordLeadInteraction, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, data.leadId);
  const facts = decideInteraction(data.interaction, lead.interactions, {
    closedBecause:
      lead.status === 'disqualified'
        ? {
            code: 'LEAD_ALREADY_DISQUALIFIED',
            message: `lead ${data.leadId} is disqualified: reactivate it before planning activities`,
          }
        : null,
    owner: lead.owner,
    now: metadata.now,
  });
  return facts.map((fact) => interactionEvent('Lead', 'leadId', data.leadId, fact));
}

function eraseLead({ data, metadata }: EraseLead, state: LeadState): LeadEvent[] {
  existingLead(state, data.leadId);
  assertText(data.reason, 'reason', 500);
  return [{ type: 'LeadErased', data: { leadId: data.leadId, reason: data.reason, erasedAt: metadata.now } }];
}

export const leadDecider: Decider<LeadCommand, LeadState, LeadEvent> = {
  initialState: initialLeadState,
  decide: decideLead,
  evolve: evolveLead,
};

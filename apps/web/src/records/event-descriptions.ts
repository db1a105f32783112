import { formatDate, formatDateTime, formatMoney, formatPercent } from '../format';

/**
 * What an event of a deal's or a lead's history says, in words: "Moved forward from Qualified to Demo",
 * "Value changed from €1,000.00 to €1,500.00". The data is the event's as the history answers it (any shape:
 * the stored schema of its version), so every field is read with care and an unknown event still reads.
 */
export interface EventDescription {
  /** One line: what happened. */
  readonly summary: string;
  /** What came with it: a note, a reason, a competitor... */
  readonly details: readonly string[];
}

export interface DescriptionContext {
  /** The name of a stage of the record's pipeline, or its id when the name is not known. */
  readonly stageName: (stage: string) => string;
  /** What an activity of the same record was about, by its id, from the events before. */
  readonly activitySubject: (activityId: string) => string | undefined;
}

type Data = Readonly<Record<string, unknown>>;

const text = (data: Data, field: string): string | undefined => {
  const value = data[field];
  return typeof value === 'string' ? value : undefined;
};

const moneyOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const { amount, currency } = value as { amount?: unknown; currency?: unknown };
  return typeof amount === 'number' && typeof currency === 'string'
    ? formatMoney(amount, currency)
    : undefined;
};

/** A field that may be empty: its value, or "nobody", "none"... */
const orElse = (value: unknown, empty: string): string => {
  if (typeof value === 'string') return value === '' ? empty : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return empty;
};

const quoted = (value: unknown, empty = 'nothing'): string =>
  typeof value === 'string' && value !== '' ? `“${value}”` : empty;

const labelled = (label: string, value: string | undefined): string[] =>
  value === undefined || value === '' ? [] : [`${label}: ${value}`];

const words = (identifier: string): string => identifier.replace(/_/g, ' ');

type Describe = (data: Data, context: DescriptionContext) => EventDescription;

const describe = (summary: string, ...details: string[][]): EventDescription => ({
  summary,
  details: details.flat(),
});

const DEAL_EVENTS: Readonly<Record<string, Describe>> = {
  DealCreated: (data, { stageName }) =>
    describe(
      `Created in ${stageName(orElse(text(data, 'stage'), '?'))}` +
        `${text(data, 'pipelineId') ? ` (pipeline ${text(data, 'pipelineId')})` : ''}`,
      labelled('Title', text(data, 'title') ?? (data.title === null ? 'erased' : undefined)),
      labelled('Value', moneyOf(data.value)),
      labelled(
        'Expected close',
        text(data, 'expectedCloseDate') && formatDate(text(data, 'expectedCloseDate')!),
      ),
      labelled('Owner', text(data, 'owner')),
    ),
  StageAdvanced: (data, { stageName }) =>
    describe(`Moved forward from ${stageName(orElse(data.from, '?'))} to ${stageName(orElse(data.to, '?'))}`),
  StageReverted: (data, { stageName }) =>
    describe(
      `Moved back from ${stageName(orElse(data.from, '?'))} to ${stageName(orElse(data.to, '?'))}`,
      labelled('Reason', text(data, 'reason')),
    ),
  DealWon: (data, { stageName }) =>
    describe(
      `Won in ${stageName(orElse(data.stage, '?'))}${moneyOf(data.value) ? ` at ${moneyOf(data.value)}` : ''}`,
      labelled('Note', text(data, 'note')),
    ),
  DealLost: (data, { stageName }) =>
    describe(
      `Lost in ${stageName(orElse(data.stage, '?'))}, reason: ${words(orElse(data.reason, 'not given'))}`,
      labelled('Competitor', text(data, 'competitor')),
      labelled('Value', moneyOf(data.value)),
      labelled('Note', text(data, 'note')),
    ),
  DealValueChanged: (data) =>
    describe(`Value changed from ${moneyOf(data.from) ?? '?'} to ${moneyOf(data.to) ?? '?'}`),
  DealTitleChanged: (data) => describe(`Title changed from ${quoted(data.from)} to ${quoted(data.to)}`),
  DealExpectedCloseDateChanged: (data) =>
    describe(`Expected close date changed from ${dateOrUnknown(data.from)} to ${dateOrUnknown(data.to)}`),
  DealOwnerChanged: (data) =>
    describe(`Owner changed from ${orElse(data.from, 'nobody')} to ${orElse(data.to, 'nobody')}`),
  DealProbabilityOverrideChanged: (data) =>
    describe(`Win probability changed from ${probabilityOf(data.from)} to ${probabilityOf(data.to)}`),
  DealReopened: (data, { stageName }) =>
    describe(
      `Reopened in ${stageName(orElse(data.stage, '?'))} (it was ${orElse(data.from, 'closed')})`,
      labelled('Reason', text(data, 'reason')),
    ),
  DealMovedToPipeline: (data) => describe(`Moved from ${placeOf(data.from)} to ${placeOf(data.to)}`),
};

const dateOrUnknown = (value: unknown): string => (typeof value === 'string' ? formatDate(value) : 'none');

const probabilityOf = (value: unknown): string =>
  typeof value === 'number' ? formatPercent(value) : "the stage's probability";

const placeOf = (value: unknown): string => {
  if (typeof value !== 'object' || value === null) return '?';
  const { pipelineId, stage } = value as { pipelineId?: unknown; stage?: unknown };
  return `pipeline ${orElse(pipelineId, '?')}, stage ${orElse(stage, '?')}`;
};

const LEAD_EVENTS: Readonly<Record<string, Describe>> = {
  LeadCaptured: (data) =>
    describe(
      `Captured from ${words(orElse(data.source, 'an unknown source'))}`,
      labelled('Name', personal(data, 'name')),
      labelled('Email', personal(data, 'email')),
      labelled('Company', personal(data, 'company')),
      labelled('Phone', personal(data, 'phone')),
      labelled('Campaign', text(data, 'campaign')),
      labelled('Interest', text(data, 'interest')),
      labelled('Tags', tagsOf(data.tags)),
    ),
  LeadQualified: (data) =>
    describe(
      `Qualified${moneyOf(data.budget) ? ` with a budget of ${moneyOf(data.budget)}` : ''}`,
      labelled('Timeline', text(data, 'timeline') && formatDate(text(data, 'timeline')!)),
      labelled('Authority', text(data, 'authority')),
      labelled('Need', text(data, 'need')),
      labelled('Note', text(data, 'note')),
    ),
  LeadDisqualified: (data) =>
    describe(
      `Disqualified: ${words(orElse(data.reason, 'no reason given'))}`,
      labelled('Note', text(data, 'note')),
    ),
  LeadContactCorrected: (data) =>
    describe(
      `${capitalised(orElse(data.field, 'A contact field'))} corrected from ${quoted(data.from)} to ${quoted(data.to)}`,
    ),
  LeadInterestChanged: (data) =>
    describe(`Interest changed from ${quoted(data.from, 'none')} to ${quoted(data.to, 'none')}`),
  LeadTagsChanged: (data) =>
    describe(`Tags changed from ${tagsOf(data.from) || 'none'} to ${tagsOf(data.to) || 'none'}`),
  LeadOwnerChanged: (data) =>
    describe(`Owner changed from ${orElse(data.from, 'nobody')} to ${orElse(data.to, 'nobody')}`),
  LeadReactivated: (data) => describe('Reactivated', labelled('Reason', text(data, 'reason'))),
  LeadErased: (data) => describe('Personal data erased', labelled('Reason', text(data, 'reason'))),
};

/** A personal field as the history gives it: in clear, masked (***) as it comes, or erased (null). */
const personal = (data: Data, field: string): string | undefined =>
  data[field] === null ? 'erased' : text(data, field);

const tagsOf = (value: unknown): string =>
  Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string').join(', ') : '';

const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Notes and activities, the same on a lead and a deal (LeadNoteAdded, DealActivityCompleted...). */
const INTERACTIONS: Readonly<Record<string, Describe>> = {
  NoteAdded: (data) => describe('Note added', labelled('Note', text(data, 'text'))),
  ActivityScheduled: (data) =>
    describe(
      `Scheduled a ${orElse(data.type, 'follow-up')}: ${orElse(data.subject, '')}`.trimEnd(),
      labelled('Due', text(data, 'dueAt') && formatDateTime(text(data, 'dueAt')!)),
      labelled('Assignee', text(data, 'assignee')),
    ),
  ActivityCompleted: (data, { activitySubject }) =>
    describe(
      `Completed the ${orElse(data.type, 'activity')}${aboutActivity(data, activitySubject)}`,
      labelled('Outcome', text(data, 'outcome')),
      labelled('Note', text(data, 'note')),
    ),
  ActivityRescheduled: (data, { activitySubject }) =>
    describe(
      `Rescheduled${aboutActivity(data, activitySubject) || ' an activity'} ` +
        `from ${dateTimeOrUnknown(data.from)} to ${dateTimeOrUnknown(data.to)}`,
    ),
  ActivityCancelled: (data, { activitySubject }) =>
    describe(
      `Cancelled${aboutActivity(data, activitySubject) || ' an activity'}`,
      labelled('Reason', text(data, 'reason')),
    ),
};

const aboutActivity = (data: Data, subjectOf: DescriptionContext['activitySubject']): string => {
  const activityId = text(data, 'activityId');
  const subject = activityId ? subjectOf(activityId) : undefined;
  return subject ? ` “${subject}”` : '';
};

const dateTimeOrUnknown = (value: unknown): string =>
  typeof value === 'string' ? formatDateTime(value) : '?';

/** The interaction an event records, without its Lead/Deal prefix: "DealNoteAdded" is "NoteAdded". */
const interactionOf = (type: string): string | undefined => {
  const fact = type.replace(/^(Lead|Deal)/, '');
  return fact !== type && fact in INTERACTIONS ? fact : undefined;
};

/** Whether the event is a note or an activity (as opposed to a change of the record itself). */
export const isInteraction = (type: string): boolean => interactionOf(type) !== undefined;

export function describeEvent(type: string, data: Data, context: DescriptionContext): EventDescription {
  const interaction = interactionOf(type);
  const described = interaction ? INTERACTIONS[interaction] : (DEAL_EVENTS[type] ?? LEAD_EVENTS[type]);
  if (described) return described(data, context);
  return describe(readableType(type));
}

/** An event type the page does not know, in words: "DealArchived" as "Deal archived". */
const readableType = (type: string): string =>
  capitalised(type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());

/** The subjects of a record's activities, by id, from the ActivityScheduled events of its history. */
export function activitySubjects(events: readonly { type: string; data: Data }[]): Map<string, string> {
  const subjects = new Map<string, string>();
  for (const { type, data } of events) {
    if (interactionOf(type) !== 'ActivityScheduled') continue;
    const activityId = text(data, 'activityId');
    const subject = text(data, 'subject');
    if (activityId && subject) subjects.set(activityId, subject);
  }
  return subjects;
}

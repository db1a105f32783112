import { conflict, invalid, notFound } from '../shared/domain-error';
import { optional } from '../shared/optional';
import { assertText, isCalendarDate } from '../shared/values';

/**
 * Interactions with the customer, kept in the stream of the lead or deal they concern: notes, and activities
 * (follow-ups) that are scheduled with a due time and an assignee, then completed, rescheduled or cancelled.
 * The rules are written once here; the lead and the deal deciders record the facts as their own events
 * (LeadNoteAdded, DealActivityCompleted, ...), so that each history shows its interactions in order.
 */
export const ACTIVITY_TYPES = ['call', 'meeting', 'email', 'task'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const MAX_NOTE_LENGTH = 5000;
export const MAX_SUBJECT_LENGTH = 200;
/** Activities a lead or deal keeps, done and cancelled included: a bound on the size of its state. */
export const MAX_ACTIVITIES = 1000;

export interface NoteAddedData {
  readonly noteId: string;
  readonly text: string;
  readonly addedAt: string;
}

export interface ActivityScheduledData {
  readonly activityId: string;
  readonly type: ActivityType;
  readonly subject: string;
  /** ISO 8601 UTC instant. */
  readonly dueAt: string;
  /** Who should do it; null: nobody yet. */
  readonly assignee: string | null;
  readonly scheduledAt: string;
}

/** Carries the activity's type, so that a reader needs nothing else to count it (scoring rules do). */
export interface ActivityCompletedData {
  readonly activityId: string;
  readonly type: ActivityType;
  readonly outcome?: string;
  readonly note?: string;
  readonly completedAt: string;
}

export interface ActivityRescheduledData {
  readonly activityId: string;
  readonly from: string;
  readonly to: string;
  readonly rescheduledAt: string;
}

export interface ActivityCancelledData {
  readonly activityId: string;
  readonly reason?: string;
  readonly cancelledAt: string;
}

/** What happened, before it is recorded as an event of the lead or the deal. */
export type InteractionFact =
  | { readonly type: 'NoteAdded'; readonly data: NoteAddedData }
  | { readonly type: 'ActivityScheduled'; readonly data: ActivityScheduledData }
  | { readonly type: 'ActivityCompleted'; readonly data: ActivityCompletedData }
  | { readonly type: 'ActivityRescheduled'; readonly data: ActivityRescheduledData }
  | { readonly type: 'ActivityCancelled'; readonly data: ActivityCancelledData };

export type InteractionFactType = InteractionFact['type'];
export const INTERACTION_FACT_TYPES: readonly InteractionFactType[] = [
  'NoteAdded',
  'ActivityScheduled',
  'ActivityCompleted',
  'ActivityRescheduled',
  'ActivityCancelled',
];

/** What a caller asks of a lead's or a deal's interactions. */
export type Interaction =
  | { readonly type: 'AddNote'; readonly noteId: string; readonly text: string }
  | {
      readonly type: 'ScheduleActivity';
      readonly activityId: string;
      readonly activityType: string;
      readonly subject: string;
      readonly dueAt: string;
      /** null or absent: the lead's or deal's owner, if it has one. */
      readonly assignee?: string | null;
    }
  | {
      readonly type: 'CompleteActivity';
      readonly activityId: string;
      readonly outcome?: string;
      readonly note?: string;
    }
  | { readonly type: 'RescheduleActivity'; readonly activityId: string; readonly dueAt: string }
  | { readonly type: 'CancelActivity'; readonly activityId: string; readonly reason?: string };

export type ActivityStatus = 'open' | 'done' | 'cancelled';

export interface ActivityRecord {
  readonly activityId: string;
  readonly type: ActivityType;
  readonly subject: string;
  readonly dueAt: string;
  readonly assignee: string | null;
  readonly status: ActivityStatus;
  readonly scheduledAt: string;
  /** When it was completed or cancelled; null while open. */
  readonly closedAt: string | null;
}

/** Something that counts as engagement: a note, or a completed activity of a type. */
export interface Engagement {
  readonly kind: 'note' | 'activity';
  readonly activityType: ActivityType | null;
  readonly at: string;
}

export interface Interactions {
  readonly activities: Readonly<Record<string, ActivityRecord>>;
  /** The last note or completed activity; null before the first. */
  readonly lastActivityAt: string | null;
  /** Every note and completed activity, in order. */
  readonly engagements: readonly Engagement[];
}

export const noInteractions = (): Interactions => ({ activities: {}, lastActivityAt: null, engagements: [] });

/** The open activity due first (ties by id), or null. */
export function nextActivityOf(interactions: Interactions): ActivityRecord | null {
  let next: ActivityRecord | null = null;
  for (const activity of Object.values(interactions.activities)) {
    if (activity.status !== 'open') continue;
    if (
      !next ||
      activity.dueAt < next.dueAt ||
      (activity.dueAt === next.dueAt && activity.activityId < next.activityId)
    ) {
      next = activity;
    }
  }
  return next;
}

const latest = (a: string | null, b: string): string => (a === null || b > a ? b : a);

export function evolveInteractions(interactions: Interactions, fact: InteractionFact): Interactions {
  switch (fact.type) {
    case 'NoteAdded':
      return {
        ...interactions,
        lastActivityAt: latest(interactions.lastActivityAt, fact.data.addedAt),
        engagements: [
          ...interactions.engagements,
          { kind: 'note', activityType: null, at: fact.data.addedAt },
        ],
      };
    case 'ActivityScheduled': {
      const d = fact.data;
      return {
        ...interactions,
        activities: {
          ...interactions.activities,
          [d.activityId]: {
            activityId: d.activityId,
            type: d.type,
            subject: d.subject,
            dueAt: d.dueAt,
            assignee: d.assignee,
            status: 'open',
            scheduledAt: d.scheduledAt,
            closedAt: null,
          },
        },
      };
    }
    case 'ActivityCompleted':
      return {
        activities: close(interactions, fact.data.activityId, 'done', fact.data.completedAt),
        lastActivityAt: latest(interactions.lastActivityAt, fact.data.completedAt),
        engagements: [
          ...interactions.engagements,
          { kind: 'activity', activityType: fact.data.type, at: fact.data.completedAt },
        ],
      };
    case 'ActivityRescheduled': {
      const activity = interactions.activities[fact.data.activityId];
      if (!activity) return interactions;
      return {
        ...interactions,
        activities: {
          ...interactions.activities,
          [activity.activityId]: { ...activity, dueAt: fact.data.to },
        },
      };
    }
    case 'ActivityCancelled':
      return {
        ...interactions,
        activities: close(interactions, fact.data.activityId, 'cancelled', fact.data.cancelledAt),
      };
    default: {
      const exhaustive: never = fact;
      return exhaustive;
    }
  }
}

function close(
  interactions: Interactions,
  activityId: string,
  status: ActivityStatus,
  at: string,
): Interactions['activities'] {
  const activity = interactions.activities[activityId];
  if (!activity) return interactions.activities;
  return { ...interactions.activities, [activityId]: { ...activity, status, closedAt: at } };
}

const INSTANT =
  /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** An ISO 8601 instant with its offset, as UTC with milliseconds (so that stored instants order as strings). */
export function instant(value: string, field: string): string {
  const time = INSTANT.test(value) && isCalendarDate(value.slice(0, 10)) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw invalid(
      'INVALID_TIME',
      field,
      `"${value}" is not an ISO 8601 time with an offset (2026-05-04T09:30:00Z)`,
    );
  }
  return new Date(time).toISOString();
}

/** What the lead or deal says about new activities: whether it takes them, and who does them by default. */
export interface InteractionContext {
  /** Why no activity can be scheduled or rescheduled now (a closed deal, a disqualified lead), if so. */
  readonly closedBecause: { readonly code: string; readonly message: string } | null;
  readonly owner: string | null;
  readonly now: string;
}

/**
 * The rules of interactions: notes at any time; activities scheduled and rescheduled only while the lead or
 * deal is open; only an open activity changes, and an open one can be completed or cancelled whatever
 * became of its lead or deal.
 */
export function decideInteraction(
  interaction: Interaction,
  interactions: Interactions,
  context: InteractionContext,
): InteractionFact[] {
  const { now } = context;
  switch (interaction.type) {
    case 'AddNote':
      assertText(interaction.text, 'text', MAX_NOTE_LENGTH);
      return [
        { type: 'NoteAdded', data: { noteId: interaction.noteId, text: interaction.text, addedAt: now } },
      ];
    case 'ScheduleActivity': {
      refuseWhenClosed(context);
      if (interactions.activities[interaction.activityId]) {
        throw conflict('ACTIVITY_ALREADY_EXISTS', `activity ${interaction.activityId} already exists`);
      }
      if (Object.keys(interactions.activities).length >= MAX_ACTIVITIES) {
        throw conflict(
          'TOO_MANY_ACTIVITIES',
          `at most ${MAX_ACTIVITIES} activities are kept on one lead or deal`,
        );
      }
      if (!(ACTIVITY_TYPES as readonly string[]).includes(interaction.activityType)) {
        throw invalid('INVALID_ACTIVITY_TYPE', 'type', `type must be one of ${ACTIVITY_TYPES.join(', ')}`);
      }
      assertText(interaction.subject, 'subject', MAX_SUBJECT_LENGTH);
      const dueAt = instant(interaction.dueAt, 'dueAt');
      if (interaction.assignee !== undefined && interaction.assignee !== null) {
        assertText(interaction.assignee, 'assignee', 200);
      }
      return [
        {
          type: 'ActivityScheduled',
          data: {
            activityId: interaction.activityId,
            type: interaction.activityType as ActivityType,
            subject: interaction.subject,
            dueAt,
            assignee: interaction.assignee ?? context.owner,
            scheduledAt: now,
          },
        },
      ];
    }
    case 'CompleteActivity': {
      const activity = openActivity(interactions, interaction.activityId);
      if (interaction.outcome !== undefined) assertText(interaction.outcome, 'outcome', 500);
      if (interaction.note !== undefined) assertText(interaction.note, 'note', MAX_NOTE_LENGTH);
      return [
        {
          type: 'ActivityCompleted',
          data: {
            activityId: activity.activityId,
            type: activity.type,
            ...optional('outcome', interaction.outcome),
            ...optional('note', interaction.note),
            completedAt: now,
          },
        },
      ];
    }
    case 'RescheduleActivity': {
      const activity = openActivity(interactions, interaction.activityId);
      refuseWhenClosed(context);
      const dueAt = instant(interaction.dueAt, 'dueAt');
      if (dueAt === activity.dueAt) return [];
      return [
        {
          type: 'ActivityRescheduled',
          data: { activityId: activity.activityId, from: activity.dueAt, to: dueAt, rescheduledAt: now },
        },
      ];
    }
    case 'CancelActivity': {
      const activity = openActivity(interactions, interaction.activityId);
      if (interaction.reason !== undefined) assertText(interaction.reason, 'reason', 500);
      return [
        {
          type: 'ActivityCancelled',
          data: {
            activityId: activity.activityId,
            ...optional('reason', interaction.reason),
            cancelledAt: now,
          },
        },
      ];
    }
    default: {
      const exhaustive: never = interaction;
      return exhaustive;
    }
  }
}

function refuseWhenClosed(context: InteractionContext): void {
  if (context.closedBecause) throw conflict(context.closedBecause.code, context.closedBecause.message);
}

function openActivity(interactions: Interactions, activityId: string): ActivityRecord {
  const activity = interactions.activities[activityId];
  if (!activity) throw notFound('ACTIVITY_NOT_FOUND', `activity ${activityId} does not exist here`);
  if (activity.status !== 'open') {
    throw conflict(
      'ACTIVITY_NOT_OPEN',
      `activity ${activityId} is ${activity.status}: only an open activity can change`,
    );
  }
  return activity;
}

/**
 * An interaction fact as an event of a lead or a deal: its type prefixed (LeadNoteAdded, DealActivityCompleted)
 * and its data naming the lead or deal.
 */
export type InteractionEvent<Prefix extends string, Key extends string> = InteractionFact extends infer F
  ? F extends InteractionFact
    ? { readonly type: `${Prefix}${F['type']}`; readonly data: F['data'] & { readonly [K in Key]: string } }
    : never
  : never;

export function interactionEvent<Prefix extends string, Key extends string>(
  prefix: Prefix,
  key: Key,
  id: string,
  fact: InteractionFact,
): InteractionEvent<Prefix, Key> {
  return { type: `${prefix}${fact.type}`, data: { [key]: id, ...fact.data } } as InteractionEvent<
    Prefix,
    Key
  >;
}

/** The interaction fact an event of a lead or deal records, if it records one. */
export function interactionFactOf(
  prefix: string,
  event: { readonly type: string; readonly data: object },
): InteractionFact | undefined {
  if (!event.type.startsWith(prefix)) return undefined;
  const type = event.type.slice(prefix.length) as InteractionFactType;
  return INTERACTION_FACT_TYPES.includes(type) ? ({ type, data: event.data } as InteractionFact) : undefined;
}

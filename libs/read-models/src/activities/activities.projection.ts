import {
  type ActivityStatus,
  type ActivityType,
  type InteractionFact,
  interactionFactOf,
  isDealEvent,
  isLeadEvent,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

export const ACTIVITIES = 'activities';

/**
 * One activity of a lead or a deal, as the follow-up list shows it. Its id names its lead or deal after the
 * activity's own id (`<activityId>:lead:<leadId>`, `<activityId>:deal:<dealId>`): activity ids are chosen per
 * lead or deal, and lists ordered by a field break ties by activity id first.
 */
export interface ActivityDoc extends Doc {
  readonly id: string;
  readonly activityId: string;
  /** The lead it was scheduled on; null for an activity of a deal. */
  readonly leadId: string | null;
  /** The deal it was scheduled on; null for an activity of a lead. */
  readonly dealId: string | null;
  readonly type: ActivityType;
  readonly subject: string;
  readonly dueAt: string;
  readonly assignee: string | null;
  readonly status: ActivityStatus;
  readonly scheduledAt: string;
  readonly completedAt: string | null;
  readonly cancelledAt: string | null;
  /** What came of it, once done (if the one who did it said). */
  readonly outcome: string | null;
}

/** The activity an interaction event concerns, and what happened to it; undefined for a note or another event. */
function activityFact(
  event: RecordedEvent,
): { readonly ref: DocRef; readonly owner: Owner; readonly fact: ActivityFact } | undefined {
  const owner: Owner | undefined = isLeadEvent(event)
    ? { leadId: event.streamId.slice('lead-'.length), dealId: null }
    : isDealEvent(event)
      ? { leadId: null, dealId: event.streamId.slice('deal-'.length) }
      : undefined;
  if (!owner) return undefined;
  const fact = interactionFactOf(owner.leadId === null ? 'Deal' : 'Lead', event);
  if (!fact || fact.type === 'NoteAdded') return undefined;
  const id =
    owner.leadId === null
      ? `${fact.data.activityId}:deal:${owner.dealId}`
      : `${fact.data.activityId}:lead:${owner.leadId}`;
  return { ref: { collection: ACTIVITIES, id }, owner, fact };
}

interface Owner {
  readonly leadId: string | null;
  readonly dealId: string | null;
}

type ActivityFact = Exclude<InteractionFact, { readonly type: 'NoteAdded' }>;

function activityAfter(current: ActivityDoc | undefined, id: string, owner: Owner, fact: ActivityFact) {
  if (fact.type === 'ActivityScheduled') {
    if (current) return undefined;
    const d = fact.data;
    return {
      id,
      activityId: d.activityId,
      ...owner,
      type: d.type,
      subject: d.subject,
      dueAt: d.dueAt,
      assignee: d.assignee,
      status: 'open',
      scheduledAt: d.scheduledAt,
      completedAt: null,
      cancelledAt: null,
      outcome: null,
    } satisfies ActivityDoc;
  }
  // Only an open activity changes (the domain refuses anything else).
  if (!current || current.status !== 'open') return undefined;
  switch (fact.type) {
    case 'ActivityCompleted':
      return {
        ...current,
        status: 'done',
        completedAt: fact.data.completedAt,
        outcome: fact.data.outcome ?? null,
      } satisfies ActivityDoc;
    case 'ActivityRescheduled':
      return { ...current, dueAt: fact.data.to } satisfies ActivityDoc;
    case 'ActivityCancelled':
      return { ...current, status: 'cancelled', cancelledAt: fact.data.cancelledAt } satisfies ActivityDoc;
    default: {
      const exhaustive: never = fact;
      return exhaustive;
    }
  }
}

/** The follow-up list: every activity of every lead and deal, open, done or cancelled. */
export const activitiesProjection: Projection = {
  readsPersonalData: false,
  name: 'activities',
  version: 1,
  collections: [
    {
      name: ACTIVITIES,
      indexes: [
        { field: 'assignee' },
        { field: 'status' },
        { field: 'dueAt' },
        { field: 'leadId' },
        { field: 'dealId' },
        // "My follow-ups": one assignee's activities of a status, by due time.
        { field: 'dueAt', after: ['assignee', 'status'] },
        { field: 'dueAt', after: ['assignee'] },
        { field: 'dueAt', after: ['status'] },
      ],
    },
  ],
  touches: (event) => {
    const found = activityFact(event);
    return found ? [found.ref] : [];
  },
  evolve(event: RecordedEvent, docs: DocLookup): DocChange[] {
    const found = activityFact(event);
    if (!found) return [];
    const { ref, owner, fact } = found;
    const next = activityAfter(docs(ref.collection, ref.id) as ActivityDoc | undefined, ref.id, owner, fact);
    return next ? [{ ...ref, doc: next }] : [];
  },
};

import type { Schemas } from '@app/api-client';
import type { ComponentChildren } from 'preact';
import { formatDateTime, formatMoney } from '../format';
import type { Answer } from './answer';
import { ProblemAlert } from './answer';
import { activitySubjects, describeEvent, isInteraction } from './event-descriptions';

/** One event of a lead's or a deal's history, as GET /…/history answers it. */
export interface HistoryEvent {
  readonly revision: number;
  readonly position: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: Schemas['EventMetadataView'];
}

/** The events up to the moment shown (all of them now; those that occurred by asOf in the past). */
export function eventsUpTo<E extends HistoryEvent>(events: readonly E[], asOf: string | null): readonly E[] {
  if (asOf === null) return events;
  const moment = Date.parse(asOf);
  return events.filter((event) => Date.parse(event.metadata.occurredAt) <= moment);
}

interface TimelineProps {
  readonly events: readonly HistoryEvent[];
  readonly asOf: string | null;
  readonly stageName: (stage: string) => string;
}

/** The history as a timeline, oldest first: when, who, what changed; notes and activities marked as such. */
export function Timeline({ events, asOf, stageName }: TimelineProps) {
  const shown = eventsUpTo(events, asOf);
  const hidden = events.length - shown.length;
  const subjects = activitySubjects(events);
  const context = { stageName, activitySubject: (activityId: string) => subjects.get(activityId) };
  return (
    <div>
      {shown.length === 0 ? (
        <p>Nothing had happened yet at the moment shown.</p>
      ) : (
        <ol class="timeline" data-testid="timeline">
          {shown.map((event) => (
            <TimelineEntry
              key={event.revision}
              event={event}
              description={describeEvent(event.type, event.data, context)}
            />
          ))}
        </ol>
      )}
      {hidden > 0 ? (
        <p class="timeline-later" data-testid="timeline-later">
          {`${hidden} later ${hidden === 1 ? 'event is' : 'events are'} not shown: they happened after the moment you are viewing.`}
        </p>
      ) : null}
    </div>
  );
}

function TimelineEntry({
  event,
  description,
}: {
  readonly event: HistoryEvent;
  readonly description: ReturnType<typeof describeEvent>;
}) {
  const { actor, onBehalfOf, occurredAt } = event.metadata;
  const kind = isInteraction(event.type) ? 'interaction' : 'change';
  return (
    <li
      class={`timeline-event timeline-${kind}`}
      data-testid="timeline-event"
      data-type={event.type}
      data-revision={event.revision}
    >
      <p class="timeline-what" data-testid="timeline-what">
        {description.summary}
      </p>
      {description.details.length > 0 ? (
        <ul class="timeline-details">
          {description.details.map((detail, index) => (
            <li key={index}>{detail}</li>
          ))}
        </ul>
      ) : null}
      <p class="timeline-meta">
        <time dateTime={occurredAt} data-testid="timeline-when">
          {formatDateTime(occurredAt)}
        </time>
        {' by '}
        <span data-testid="timeline-who">{actor}</span>
        {onBehalfOf ? ` for ${onBehalfOf}` : ''}
        <span class="timeline-revision">{` · revision ${event.revision}`}</span>
      </p>
    </li>
  );
}

/** Whether the record's hash chain holds: each event's hash covers the one before. */
export function ChainIntegrity({ integrity }: { readonly integrity: Schemas['IntegrityView'] }) {
  if (integrity.verified) {
    return (
      <p class="integrity integrity-verified" data-testid="chain-integrity" data-verified="true">
        <strong>Chain verified:</strong> every event's hash links to the one before it; nothing was altered.
      </p>
    );
  }
  return (
    <p role="alert" class="integrity integrity-broken" data-testid="chain-integrity" data-verified="false">
      <strong>Chain broken</strong>
      {integrity.brokenAt === null
        ? ': the history does not verify.'
        : ` at revision ${integrity.brokenAt}: that event or one before it was altered.`}
    </p>
  );
}

/** The follow-ups of a record (GET /activities?leadId= or dealId=), earliest due first. */
export function FollowUps({ answer }: { readonly answer: Answer<Schemas['ActivityPageView']> }) {
  if (answer.problem) return <ProblemAlert problem={answer.problem} what="the follow-ups" />;
  const activities = answer.data?.items;
  if (!activities) return <p>Loading the follow-ups…</p>;
  if (activities.length === 0) return <p data-testid="follow-ups-none">No follow-ups.</p>;
  return (
    <table class="follow-ups" data-testid="follow-ups">
      <thead>
        <tr>
          <th scope="col">Due</th>
          <th scope="col">Type</th>
          <th scope="col">Subject</th>
          <th scope="col">Assignee</th>
          <th scope="col">Status</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {activities.map((activity) => (
          <tr key={activity.activityId} data-testid="follow-up" data-activity-id={activity.activityId}>
            <td>
              <time dateTime={activity.dueAt}>{formatDateTime(activity.dueAt)}</time>
            </td>
            <td>{activity.type}</td>
            <td>{activity.subject}</td>
            <td>{activity.assignee ?? 'nobody yet'}</td>
            <td data-testid="follow-up-status">{activity.status}</td>
            <td>{activity.outcome ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A section of a record page with its heading. */
export function Section({
  title,
  id,
  children,
}: {
  readonly title: string;
  readonly id: string;
  readonly children: ComponentChildren;
}) {
  return (
    <section aria-labelledby={id} class="record-section">
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** A term and what it is, in a record's description list; testId names the value for tests. */
export function Field({
  term,
  testId,
  children,
}: {
  readonly term: string;
  readonly testId: string;
  readonly children: ComponentChildren;
}) {
  return (
    <div class="field">
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

export const moneyText = (money: Schemas['MoneyDto']): string => formatMoney(money.amount, money.currency);

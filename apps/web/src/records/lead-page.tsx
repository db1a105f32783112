import type { Schemas } from '@app/api-client';
import { formatDate, formatDateTime, formatPoints } from '../format';
import { type ViewProps, may } from '../view-props';
import { readingAt } from '../api';
import { type Answer, NotForThisKey, ProblemAlert, useAnswer } from './answer';
import { ChainIntegrity, Field, FollowUps, Section, Timeline, moneyText } from './record-parts';

type Lead = Schemas['LeadView'];
type LeadScore = Schemas['LeadScoreView'];

/**
 * A lead: its fields (now, or as it was at asOf; masked *** or erased as the API answers them), its score and
 * the rules that made it, its history as a timeline with the state of its hash chain, and its follow-ups.
 */
export function LeadPage({
  api,
  asOf,
  changes,
  seenPosition,
  me,
  leadId,
}: ViewProps & { readonly leadId: string }) {
  const readsHistories = may(me, 'histories');
  const readsLead = asOf === null || readsHistories;
  const moment = readingAt(asOf, seenPosition);
  const latest = readingAt(null, seenPosition);

  const lead = useAnswer(
    readsLead
      ? (signal) => api.GET('/leads/{leadId}', { params: { path: { leadId }, query: moment }, signal })
      : null,
    [api, leadId, asOf, changes, seenPosition, readsLead],
  );
  const score = useAnswer(
    readsLead
      ? (signal) => api.GET('/leads/{leadId}/score', { params: { path: { leadId }, query: moment }, signal })
      : null,
    [api, leadId, asOf, changes, seenPosition, readsLead],
  );
  const history = useAnswer(
    readsHistories
      ? (signal) =>
          api.GET('/leads/{leadId}/history', { params: { path: { leadId }, query: latest }, signal })
      : null,
    [api, leadId, changes, seenPosition, readsHistories],
  );
  const deals = useAnswer(
    readsLead
      ? (signal) => api.GET('/deals', { params: { query: { leadId, limit: 1, ...moment } }, signal })
      : null,
    [api, leadId, asOf, changes, seenPosition, readsLead],
  );
  const followUps = useAnswer(
    readsLead
      ? (signal) => api.GET('/activities', { params: { query: { leadId, limit: 100, ...moment } }, signal })
      : null,
    [api, leadId, asOf, changes, seenPosition, readsLead],
  );

  const loading = lead.loading || score.loading || history.loading || followUps.loading || deals.loading;
  return (
    <article
      class="record-page"
      data-testid="lead-page"
      aria-busy={loading ? 'true' : 'false'}
      aria-labelledby="lead-heading"
    >
      <h2 id="lead-heading">{headingOf(lead.data)}</h2>
      {asOf !== null ? (
        <p class="record-as-of" data-testid="record-as-of">
          {`As it was on ${formatDateTime(asOf)}.`}
        </p>
      ) : null}
      {!readsLead ? <NotForThisKey me={me} access="histories" part="The lead as it was in the past" /> : null}
      {lead.problem ? <ProblemAlert problem={lead.problem} what="the lead" /> : null}
      {lead.data ? <LeadSummary lead={lead.data} /> : null}
      <DealLink deal={deals.data?.items[0]} />
      {readsLead ? (
        <Section title="Score" id="lead-score-heading">
          <ScoreExplanation answer={score} />
        </Section>
      ) : null}
      <Section title="History" id="lead-history-heading">
        {!readsHistories ? <NotForThisKey me={me} access="histories" part="The lead's history" /> : null}
        {history.problem ? <ProblemAlert problem={history.problem} what="the lead's history" /> : null}
        {history.data ? (
          <>
            <ChainIntegrity integrity={history.data.integrity} />
            <Timeline events={history.data.events} asOf={asOf} stageName={(stage) => stage} />
          </>
        ) : null}
      </Section>
      {readsLead ? (
        <Section title="Follow-ups" id="lead-follow-ups-heading">
          <FollowUps answer={followUps} />
        </Section>
      ) : null}
    </article>
  );
}

const headingOf = (lead: Lead | undefined): string => {
  if (!lead) return 'Lead';
  if (lead.erased) return 'Lead (personal data erased)';
  return `Lead: ${lead.name ?? 'unnamed'}`;
};

/** A personal field as it comes: in clear, masked (***), or erased (null). */
const personal = (value: string | null, lead: Lead): string =>
  value ?? (lead.erased ? 'erased' : 'not given');

function LeadSummary({ lead }: { readonly lead: Lead }) {
  return (
    <>
      {lead.erased ? (
        <p class="record-erased" data-testid="lead-erasure">
          <strong>Personal data erased</strong>
          {` on ${formatDateTime(lead.erased.at)}: ${lead.erased.reason}. The history keeps every event, without the person's data.`}
        </p>
      ) : null}
      <dl class="record-fields" data-testid="lead-summary">
        <Field term="Name" testId="lead-name">
          {personal(lead.name, lead)}
        </Field>
        <Field term="Email" testId="lead-email">
          {personal(lead.email, lead)}
        </Field>
        <Field term="Company" testId="lead-company">
          {personal(lead.company, lead)}
        </Field>
        <Field term="Phone" testId="lead-phone">
          {personal(lead.phone, lead)}
        </Field>
        <Field term="Status" testId="lead-status">
          {lead.status}
        </Field>
        <Field term="Source" testId="lead-source">
          {lead.source}
          {lead.campaign ? ` (campaign ${lead.campaign})` : ''}
        </Field>
        {lead.interest ? (
          <Field term="Interest" testId="lead-interest">
            {lead.interest}
          </Field>
        ) : null}
        {lead.tags.length > 0 ? (
          <Field term="Tags" testId="lead-tags">
            {lead.tags.join(', ')}
          </Field>
        ) : null}
        <Field term="Owner" testId="lead-owner">
          {lead.owner ?? 'nobody'}
        </Field>
        <Field term="Captured" testId="lead-captured">
          <time dateTime={lead.capturedAt}>{formatDateTime(lead.capturedAt)}</time>
        </Field>
        {lead.qualification ? (
          <Field term="Qualified" testId="lead-qualification">
            {`${formatDateTime(lead.qualification.qualifiedAt)}, budget ${moneyText(lead.qualification.budget)}, ` +
              `timeline ${formatDate(lead.qualification.timeline)}`}
          </Field>
        ) : null}
        {lead.disqualification ? (
          <Field term="Disqualified" testId="lead-disqualification">
            {`${formatDateTime(lead.disqualification.disqualifiedAt)}: ${lead.disqualification.reason.replace(/_/g, ' ')}`}
          </Field>
        ) : null}
        <Field term="Revision" testId="lead-revision">
          {lead.revision}
        </Field>
      </dl>
    </>
  );
}

/** The deal the lead converted into, if it has one. */
function DealLink({ deal }: { readonly deal: Schemas['DealView'] | undefined }) {
  if (!deal) return null;
  return (
    <p>
      <a href={`#/deals/${deal.dealId}`} data-testid="lead-deal-link">
        {`Open the deal this lead converted into (${deal.status}, ${deal.stage})`}
      </a>
    </p>
  );
}

/** GET /leads/{id}/score: the score, its fit and engagement parts, its band, and each rule's points. */
function ScoreExplanation({ answer }: { readonly answer: Answer<LeadScore> }) {
  if (answer.problem) return <ProblemAlert problem={answer.problem} what="the score" />;
  const score = answer.data;
  if (!score) return <p>Loading the score…</p>;
  return (
    <div data-testid="lead-score" data-at={score.at}>
      <dl class="record-fields">
        <Field term="Score" testId="score-value">
          {score.score}
        </Field>
        <Field term="Band" testId="score-band">
          {score.band}
        </Field>
        <Field term="Fit" testId="score-fit">
          <span data-value={score.fit}>{formatPoints(score.fit)}</span>
        </Field>
        <Field term="Engagement" testId="score-engagement">
          <span data-value={score.engagement}>{formatPoints(score.engagement)}</span>
        </Field>
        <Field term="Rule set" testId="score-rules-version">
          {`version ${score.rulesVersion}, scored for ${formatDateTime(score.at)}`}
        </Field>
      </dl>
      {score.contributions.length === 0 ? (
        <p data-testid="score-no-contributions">No rule contributes to this score.</p>
      ) : (
        <table class="score-contributions" data-testid="score-contributions">
          <caption>What made the score: every rule that contributed, fit rules first</caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Kind</th>
              <th scope="col">Points</th>
              <th scope="col">Interactions counted</th>
            </tr>
          </thead>
          <tbody>
            {score.contributions.map((contribution) => (
              <tr
                key={`${contribution.kind}-${contribution.rule}`}
                data-testid="score-contribution"
                data-rule={contribution.rule}
              >
                <th scope="row">{contribution.rule}</th>
                <td data-testid="contribution-kind">{contribution.kind}</td>
                <td data-testid="contribution-points" data-value={contribution.points}>
                  {formatPoints(contribution.points)}
                </td>
                <td data-testid="contribution-count">{contribution.count ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

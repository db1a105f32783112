import type { Schemas } from '@app/api-client';
import { formatDate, formatDateTime, formatPercent } from '../format';
import { type ViewProps, may } from '../view-props';
import { readingAt } from '../api';
import { NotForThisKey, ProblemAlert, useAnswer } from './answer';
import { ChainIntegrity, Field, FollowUps, Section, Timeline, moneyText } from './record-parts';

type Deal = Schemas['DealView'];

/**
 * A deal: what it is (now, or as it was at asOf), its whole history as a timeline with the state of its hash
 * chain, and its follow-ups. Keys that may not read histories (analysts) see the deal now and a message in
 * place of the history.
 */
export function DealPage({
  api,
  asOf,
  changes,
  seenPosition,
  me,
  dealId,
}: ViewProps & { readonly dealId: string }) {
  const readsHistories = may(me, 'histories');
  // The past is a history too: GET /deals/{id}?asOf= needs the same roles.
  const readsDeal = asOf === null || readsHistories;
  const moment = readingAt(asOf, seenPosition);
  const latest = readingAt(null, seenPosition);

  const deal = useAnswer(
    readsDeal
      ? (signal) => api.GET('/deals/{dealId}', { params: { path: { dealId }, query: moment }, signal })
      : null,
    [api, dealId, asOf, changes, seenPosition, readsDeal],
  );
  const history = useAnswer(
    readsHistories
      ? (signal) =>
          api.GET('/deals/{dealId}/history', { params: { path: { dealId }, query: latest }, signal })
      : null,
    [api, dealId, changes, seenPosition, readsHistories],
  );
  const followUps = useAnswer(
    readsDeal
      ? (signal) => api.GET('/activities', { params: { query: { dealId, limit: 100, ...moment } }, signal })
      : null,
    [api, dealId, asOf, changes, seenPosition, readsDeal],
  );
  const pipelineId = deal.data?.pipelineId;
  const pipeline = useAnswer(
    pipelineId
      ? (signal) =>
          api.GET('/pipelines/{pipelineId}', { params: { path: { pipelineId }, query: latest }, signal })
      : null,
    [api, pipelineId],
  );
  const stageName = (stage: string): string =>
    pipeline.data?.stages.find((candidate) => candidate.stage === stage)?.name ?? stage;

  const loading = deal.loading || history.loading || followUps.loading;
  return (
    <article
      class="record-page"
      data-testid="deal-page"
      aria-busy={loading ? 'true' : 'false'}
      aria-labelledby="deal-heading"
    >
      <h2 id="deal-heading">{headingOf(deal.data)}</h2>
      {asOf !== null ? (
        <p class="record-as-of" data-testid="record-as-of">
          {`As it was on ${formatDateTime(asOf)}.`}
        </p>
      ) : null}
      {!readsDeal ? <NotForThisKey me={me} access="histories" part="The deal as it was in the past" /> : null}
      {deal.problem ? <ProblemAlert problem={deal.problem} what="the deal" /> : null}
      {deal.data ? <DealSummary deal={deal.data} stageName={stageName} /> : null}
      <Section title="History" id="deal-history-heading">
        {!readsHistories ? <NotForThisKey me={me} access="histories" part="The deal's history" /> : null}
        {history.problem ? <ProblemAlert problem={history.problem} what="the deal's history" /> : null}
        {history.data ? (
          <>
            <ChainIntegrity integrity={history.data.integrity} />
            <Timeline events={history.data.events} asOf={asOf} stageName={stageName} />
          </>
        ) : null}
      </Section>
      {readsDeal ? (
        <Section title="Follow-ups" id="deal-follow-ups-heading">
          <FollowUps answer={followUps} />
        </Section>
      ) : null}
    </article>
  );
}

const headingOf = (deal: Deal | undefined): string => {
  if (!deal) return 'Deal';
  if (deal.title === null) return 'Deal (title erased with its lead)';
  return `Deal: ${deal.title}`;
};

const closedTermOf = (status: Deal['status']): string =>
  status === 'won' ? 'Won' : status === 'lost' ? 'Lost' : 'Closed';

function DealSummary({
  deal,
  stageName,
}: {
  readonly deal: Deal;
  readonly stageName: (stage: string) => string;
}) {
  return (
    <>
      <dl class="record-fields" data-testid="deal-summary">
        <Field term="Title" testId="deal-title">
          {deal.title ?? 'erased'}
        </Field>
        <Field term="Status" testId="deal-status">
          {deal.status}
        </Field>
        <Field term="Stage" testId="deal-stage">
          <span data-stage={deal.stage}>{stageName(deal.stage)}</span>
        </Field>
        <Field term="Value" testId="deal-value">
          <span data-amount={deal.value.amount} data-currency={deal.value.currency}>
            {moneyText(deal.value)}
          </span>
        </Field>
        <Field term="Win probability" testId="deal-probability">
          {`${formatPercent(deal.probability)}${deal.probabilityOverride === null ? " (the stage's)" : ' (set on the deal)'}`}
        </Field>
        <Field term="Expected close" testId="deal-expected-close">
          <time dateTime={deal.expectedCloseDate}>{formatDate(deal.expectedCloseDate)}</time>
        </Field>
        <Field term="Owner" testId="deal-owner">
          {deal.owner ?? 'nobody'}
        </Field>
        <Field term="Created" testId="deal-created">
          <time dateTime={deal.createdAt}>{formatDateTime(deal.createdAt)}</time>
        </Field>
        {deal.closedAt ? (
          <Field term={closedTermOf(deal.status)} testId="deal-closed">
            <time dateTime={deal.closedAt}>{formatDateTime(deal.closedAt)}</time>
          </Field>
        ) : null}
        {deal.lostReason ? (
          <Field term="Lost because" testId="deal-lost-reason">
            {deal.lostReason.replace(/_/g, ' ')}
            {deal.competitor ? ` (to ${deal.competitor})` : ''}
          </Field>
        ) : null}
        {deal.rottingSince ? (
          <Field term="Rotting since" testId="deal-rotting">
            <time dateTime={deal.rottingSince}>{formatDateTime(deal.rottingSince)}</time>
          </Field>
        ) : null}
        {deal.nextActivity ? (
          <Field term="Next follow-up" testId="deal-next-activity">
            {`${deal.nextActivity.subject}, due ${formatDateTime(deal.nextActivity.dueAt)}`}
          </Field>
        ) : null}
        <Field term="Revision" testId="deal-revision">
          {deal.revision}
        </Field>
      </dl>
      <p>
        <a href={`#/leads/${deal.leadId}`} data-testid="deal-lead-link">
          Open the lead this deal came from
        </a>
      </p>
    </>
  );
}

import { useState } from 'preact/hooks';
import { type ViewProps, may } from '../view-props';
import { readingAt } from '../api';
import { NotForThisKey, useAnswer } from '../records/answer';
import { ForecastReport } from './forecast-report';
import { type FunnelFilter, FunnelFilterForm, NO_FILTER, periodOf } from './funnel-filter';
import { SourceFunnel, sourceRowsOf } from './source-funnel';
import { StageFlow } from './stage-flow';

/**
 * The funnel: how leads of each source convert (GET /analytics/funnel), how deals flow through the stages of
 * the chosen pipeline (GET /analytics/stages) and the forecast by close month (GET /analytics/forecast), for
 * a date range and a source, now or as of the moment the user travelled to.
 */
export function FunnelView({ api, asOf, pipelineId, changes, seenPosition, me }: ViewProps) {
  const [filter, setFilter] = useState<FunnelFilter>(NO_FILTER);
  const readsReports = may(me, 'analytics');
  const moment = readingAt(asOf, seenPosition);
  const period = periodOf(filter);

  const funnel = useAnswer(
    readsReports
      ? (signal) =>
          api.GET('/analytics/funnel', {
            params: { query: { ...moment, ...period, ...(filter.source ? { source: filter.source } : {}) } },
            signal,
          })
      : null,
    [api, asOf, changes, seenPosition, filter, readsReports],
  );
  const stages = useAnswer(
    readsReports
      ? (signal) =>
          api.GET('/analytics/stages', { params: { query: { ...moment, ...period, pipelineId } }, signal })
      : null,
    [api, asOf, changes, seenPosition, filter.from, filter.to, pipelineId, readsReports],
  );
  const forecast = useAnswer(
    readsReports
      ? (signal) =>
          api.GET('/analytics/forecast', { params: { query: { ...moment, ...period, pipelineId } }, signal })
      : null,
    [api, asOf, changes, seenPosition, filter.from, filter.to, pipelineId, readsReports],
  );

  const loading = funnel.loading || stages.loading || forecast.loading;
  return (
    <section
      class="funnel-view"
      data-testid="funnel-view"
      aria-busy={loading ? 'true' : 'false'}
      aria-labelledby="funnel-heading"
    >
      <h2 id="funnel-heading">Funnel</h2>
      {readsReports ? (
        <>
          <FunnelFilterForm
            filter={filter}
            onApply={setFilter}
            knownSources={sourceRowsOf(funnel.data).map((row) => row.source)}
          />
          <SourceFunnel answer={funnel} />
          <StageFlow answer={stages} />
          <ForecastReport answer={forecast} />
        </>
      ) : (
        <NotForThisKey me={me} access="analytics" part="The funnel" />
      )}
    </section>
  );
}

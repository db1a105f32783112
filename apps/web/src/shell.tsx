import type { ApiClient, Schemas } from '@app/api-client';
import { useEffect, useState } from 'preact/hooks';
import { Board } from './board/board';
import { deferredView } from './deferred-view';
import { formatMoment } from './format';
import { useLiveChanges } from './live';
import { BOARD_HASH, DEFAULT_PIPELINE, FUNNEL_HASH, type Route, useRoute } from './route';
import type { Session } from './session-start';
import { TimeTravel } from './time-travel';
import type { ViewProps } from './view-props';

type Pipeline = Schemas['PipelineView'];

interface ShellProps {
  readonly session: Session;
  readonly onSignOut: () => void;
}

// The funnel (with its chart library) and the deal and lead pages load when first shown: the board, where the
// page opens, does not wait for them.
const FunnelView = deferredView(() => import('./funnel/funnel-view').then((module) => module.FunnelView));
const DealPage = deferredView(() => import('./records/deal-page').then((module) => module.DealPage));
const LeadPage = deferredView(() => import('./records/lead-page').then((module) => module.LeadPage));

/** The pipelines to pick from (GET /pipelines), the default one first. */
function usePipelines(api: ApiClient, changes: number): Pipeline[] {
  const [pipelines, setPipelines] = useState<Pipeline[]>([]);
  useEffect(() => {
    let current = true;
    void api.GET('/pipelines').then(({ data }) => {
      if (current && data) setPipelines(data.items);
    });
    return () => {
      current = false;
    };
  }, [api, changes]);
  return pipelines;
}

/** The signed-in page: header and navigation, the pipeline picker and the time travel, and the current view. */
export function Shell({ session, onSignOut }: ShellProps) {
  const { api, me } = session;
  const route = useRoute();
  const live = useLiveChanges(api, session.changesAfter);
  const pipelines = usePipelines(api, live.changes);
  const [pipelineId, setPipelineId] = useState(DEFAULT_PIPELINE);
  const [asOf, setAsOf] = useState<string | null>(null);

  useEffect(() => {
    const first = pipelines[0];
    if (first && !pipelines.some((p) => p.pipelineId === pipelineId)) setPipelineId(first.pipelineId);
  }, [pipelines, pipelineId]);

  const props: ViewProps = {
    api,
    asOf,
    pipelineId,
    changes: live.changes,
    seenPosition: live.seenPosition,
    me,
    onCommand: live.onCommand,
  };

  return (
    <>
      <header class="top">
        <h1>Sales pipeline</h1>
        <nav aria-label="Main">
          <ul>
            <li>
              <a href={BOARD_HASH} aria-current={route.view === 'board' ? 'page' : undefined}>
                Board
              </a>
            </li>
            <li>
              <a href={FUNNEL_HASH} aria-current={route.view === 'funnel' ? 'page' : undefined}>
                Funnel
              </a>
            </li>
          </ul>
        </nav>
        <div class="who">
          <span>
            {me.name} ({me.roles.join(', ')})
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <div class="controls">
        <label>
          Pipeline
          <select value={pipelineId} onChange={(event) => setPipelineId(event.currentTarget.value)}>
            {pipelines.length === 0 && <option value={pipelineId}>{pipelineId}</option>}
            {pipelines.map((pipeline) => (
              <option key={pipeline.pipelineId} value={pipeline.pipelineId}>
                {pipeline.name}
              </option>
            ))}
          </select>
        </label>
        <TimeTravel api={api} me={me} asOf={asOf} onTravel={setAsOf} />
        <span class="live">
          {live.connected ? 'Live: changes appear as they happen' : 'Live updates paused'}
        </span>
      </div>
      {asOf !== null && (
        <div class="past-banner" role="status">
          Viewing the past: {formatMoment(asOf)}. Commands are disabled; “Back to now” returns to the present.
        </div>
      )}
      <main id="main">
        <CurrentView route={route} props={props} />
      </main>
    </>
  );
}

function CurrentView({ route, props }: { readonly route: Route; readonly props: ViewProps }) {
  switch (route.view) {
    case 'board':
      return <Board {...props} />;
    case 'funnel':
      return <FunnelView {...props} />;
    case 'deal':
      return <DealPage {...props} dealId={route.dealId} />;
    case 'lead':
      return <LeadPage {...props} leadId={route.leadId} />;
  }
}

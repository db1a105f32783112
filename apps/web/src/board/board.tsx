import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CaptureLeadForm } from '../capture/capture-lead-form';
import { formatMoney } from '../format';
import { type ViewProps, may } from '../view-props';
import {
  type BoardData,
  BoardLoadError,
  CARDS_PER_STAGE,
  type Deal,
  type StageRow,
  loadBoard,
  takeLoadedBoard,
  takePrefetchedBoard,
} from './board-data';
import { type CommandOutcome, loseDeal, moveDeal, winDeal } from './deal-commands';
import { type CardAction, type CardPanel, DealCard, neighbourStage } from './deal-card';

/**
 * The User Timing marks of the page's first board, for the benchmark of its first load: its first frame shown
 * (the columns, their figures and the cards in view), then every card of it drawn.
 */
const BOARD_SHOWN = 'board-shown';
const BOARD_DRAWN = 'board-drawn';

/**
 * The cards each column draws in the board's first frame, a tall screen's worth: the rest of its cards are
 * drawn in the next frame. A first board of hundreds of cards shows as soon as what is in view is drawn.
 */
const FIRST_FRAME_CARDS = 12;

const markOnce = (name: string): void => {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
};

const NO_MORE_CARDS: ReadonlyMap<string, number> = new Map();

/**
 * What this page changed and the API does not show yet: a deal moved (to its stage) or closed (won or lost),
 * from the moment the command is sent until a load that includes it.
 */
interface Pending {
  readonly stage?: string;
  readonly closed?: true;
  /** Still on its way: no load includes it yet. */
  readonly inFlight: boolean;
  /** Accepted: the loads started after this one include it. */
  readonly acceptedAfterLoad?: number;
  /** Accepted: the deal's revision now, for the next command's If-Match. */
  readonly revision?: number;
}

type PendingChanges = ReadonlyMap<string, Pending>;

/** Which board to show: a load for another place than the one wanted is not shown. */
interface Place {
  readonly pipelineId: string;
  readonly asOf: string | null;
  readonly withDeals: boolean;
  /** The cards each stage shows, where the user asked for more than CARDS_PER_STAGE. */
  readonly cardsShown: ReadonlyMap<string, number>;
}

const samePlace = (a: Place, b: Place): boolean =>
  a.pipelineId === b.pipelineId &&
  a.asOf === b.asOf &&
  a.withDeals === b.withDeals &&
  a.cardsShown === b.cardsShown;

/**
 * The board's data, loaded again when the pipeline, the moment or the log changes. One load at a time: what
 * is asked meanwhile is loaded once it ends (however many changes arrived), so that a busy log never keeps
 * the board from showing.
 */
function useBoardData(
  props: ViewProps,
  withDeals: boolean,
  cardsShown: ReadonlyMap<string, number>,
  refreshes: number,
) {
  const { api, pipelineId, asOf, seenPosition } = props;
  // The past does not change: notices of new events reload the board of now only.
  const changes = asOf === null ? props.changes : 0;
  // The board the page asked for with its first requests, drawn at once if it has come.
  const [data, setData] = useState<BoardData | null>(
    () =>
      takeLoadedBoard({
        pipelineId,
        asOf,
        minPosition: seenPosition,
        withDeals,
        cardsShown: (stage) => cardsShown.get(stage) ?? CARDS_PER_STAGE,
      }) ?? null,
  );
  const [loading, setLoading] = useState(data === null);
  /** The first load is the prefetched board already drawn: the first effect has nothing to load. */
  const loadedAtFirst = useRef(data !== null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** How many loads have started: a command accepted now is in every load numbered above. */
  const loadCount = useRef(0);
  const [loaded, setLoaded] = useState(0);
  const position = useRef(seenPosition);
  position.current = seenPosition;
  const wanted = useRef<Place | null>(null);
  const running = useRef(false);

  const drain = useCallback(async () => {
    running.current = true;
    setLoading(true);
    for (let place = wanted.current; place !== null; place = wanted.current) {
      wanted.current = null;
      const load = ++loadCount.current;
      try {
        const shown = place.cardsShown;
        const query = {
          ...place,
          minPosition: position.current,
          cardsShown: (stage: string) => shown.get(stage) ?? CARDS_PER_STAGE,
        };
        const board = await (takePrefetchedBoard(query)?.catch(() => loadBoard(api, query)) ??
          loadBoard(api, query));
        if (wanted.current === null || samePlace(place, wanted.current)) {
          setData((shown) => keepUnchanged(shown, board));
          setLoadError(null);
          setLoaded(load);
        }
      } catch (error) {
        setLoadError(error instanceof BoardLoadError ? error.message : 'The board could not be loaded.');
      }
    }
    running.current = false;
    setLoading(false);
  }, [api]);

  useEffect(() => {
    if (loadedAtFirst.current) {
      loadedAtFirst.current = false;
      return;
    }
    wanted.current = { pipelineId, asOf, withDeals, cardsShown };
    if (!running.current) void drain();
  }, [drain, pipelineId, asOf, changes, withDeals, cardsShown, refreshes]);

  return { data, loading, loadError, loaded, loadCount };
}

/**
 * The board loaded, with the deals that did not change since the board shown kept as they were (the same
 * objects), so that their cards are not drawn again: a reload after a change redraws only what it changed.
 */
function keepUnchanged(shown: BoardData | null, loaded: BoardData): BoardData {
  if (!shown?.dealsByStage || !loaded.dealsByStage) return loaded;
  const before = new Map<string, Deal>();
  for (const deals of shown.dealsByStage.values()) for (const deal of deals) before.set(deal.dealId, deal);
  const same = (a: Deal | undefined, b: Deal): a is Deal =>
    a !== undefined && a.revision === b.revision && a.stage === b.stage && a.rottingSince === b.rottingSince;
  const dealsByStage = new Map(
    [...loaded.dealsByStage].map(([stage, deals]) => {
      const kept = deals.map((deal) => {
        const previous = before.get(deal.dealId);
        return same(previous, deal) ? previous : deal;
      });
      return [stage, kept] as const;
    }),
  );
  return { ...loaded, dealsByStage };
}

/** Applies this page's pending changes to the loaded deals of a stage, and adds those moved into it. */
function dealsOfStage(data: BoardData, stage: string, pending: PendingChanges): Deal[] {
  const deals: Deal[] = [];
  for (const deal of data.dealsByStage?.get(stage) ?? []) {
    const change = pending.get(deal.dealId);
    if (!change || (!change.closed && (change.stage ?? deal.stage) === stage)) deals.push(deal);
  }
  if (pending.size === 0) return deals;
  for (const [dealId, change] of pending) {
    if (change.stage !== stage || change.closed) continue;
    for (const [from, stageDeals] of data.dealsByStage ?? []) {
      if (from === stage) continue;
      const moved = stageDeals.find((deal) => deal.dealId === dealId);
      if (moved) deals.unshift({ ...moved, stage });
    }
  }
  return deals;
}

/**
 * The pipeline board: a column per stage of the chosen pipeline with its count, total and weighted value per
 * currency and its open deals as cards (GET /pipelines/{pipelineId}/board; the figures alone of a past the key
 * may not list, from GET /analytics/pipeline). Cards move by drag and drop or by keyboard; a move is shown at
 * once and undone if the API refuses it.
 */
export function Board(props: ViewProps) {
  const { api, asOf, me, onCommand } = props;
  const canCommand = may(me, 'commands') && asOf === null;
  const mayListPast = may(me, 'histories');
  const withDeals = asOf === null || mayListPast;
  // Loaded again after a refusal: the board shows where the deal really is.
  const [refreshes, setRefreshes] = useState(0);
  // "Show more" in a column: its cards, a page more each time; back to the first ones in another pipeline.
  const [cardsShown, setCardsShown] = useState<{ pipelineId: string; stages: ReadonlyMap<string, number> }>({
    pipelineId: props.pipelineId,
    stages: new Map(),
  });
  const shownHere = cardsShown.pipelineId === props.pipelineId ? cardsShown.stages : NO_MORE_CARDS;
  const showMore = (stage: string) =>
    setCardsShown({
      pipelineId: props.pipelineId,
      stages: new Map(shownHere).set(stage, (shownHere.get(stage) ?? CARDS_PER_STAGE) + CARDS_PER_STAGE),
    });
  const { data, loading, loadError, loaded, loadCount } = useBoardData(
    props,
    withDeals,
    shownHere,
    refreshes,
  );
  const [pending, setPending] = useState<PendingChanges>(new Map());
  const [refusal, setRefusal] = useState<string | null>(null);
  const [panel, setPanel] = useState<{ dealId: string; panel: CardPanel } | null>(null);
  const [dragged, setDragged] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);

  // A load that includes an accepted change makes it the API's: it no longer needs showing from here.
  useEffect(() => {
    setPending((current) => {
      const kept = [...current].filter(
        ([, change]) => change.inFlight || (change.acceptedAfterLoad ?? Infinity) >= loaded,
      );
      return kept.length === current.size ? current : new Map(kept);
    });
  }, [loaded]);

  const dealById = useCallback(
    (dealId: string): Deal | undefined => {
      for (const deals of data?.dealsByStage?.values() ?? []) {
        const deal = deals.find((d) => d.dealId === dealId);
        if (deal) return deal;
      }
      return undefined;
    },
    [data],
  );

  const run = useCallback(
    async (deal: Deal, change: Omit<Pending, 'inFlight'>, send: () => Promise<CommandOutcome>) => {
      setRefusal(null);
      setPending((current) => new Map(current).set(deal.dealId, { ...change, inFlight: true }));
      const outcome = await send();
      setPending((current) => {
        const next = new Map(current);
        if (outcome.accepted)
          next.set(deal.dealId, {
            ...change,
            inFlight: false,
            acceptedAfterLoad: loadCount.current,
            revision: outcome.revision,
          });
        else next.delete(deal.dealId);
        return next;
      });
      if (outcome.accepted) {
        onCommand(outcome.position);
      } else {
        setRefusal(outcome.detail);
        setRefreshes((n) => n + 1);
      }
    },
    [onCommand, loadCount],
  );

  const onMove = useCallback(
    (deal: Deal, stage: string) => {
      if (stage === deal.stage) return;
      void run(deal, { stage }, () => moveDeal(api, deal, stage));
    },
    [api, run],
  );
  const onWin = useCallback(
    (deal: Deal) => void run(deal, { closed: true }, () => winDeal(api, deal)),
    [api, run],
  );
  const onLose = useCallback(
    (deal: Deal, reason: string) => void run(deal, { closed: true }, () => loseDeal(api, deal, reason)),
    [api, run],
  );
  const onPanel = useCallback(
    (dealId: string, open: CardPanel | null) => setPanel(open === null ? null : { dealId, panel: open }),
    [],
  );

  /** The deal a card element stands for, as the page shows it (a pending move applied). */
  const dealOfCard = (target: EventTarget | null): Deal | undefined => {
    const element = target instanceof Element ? target.closest<HTMLElement>('article[data-deal-id]') : null;
    const deal = element?.dataset['dealId'] ? dealById(element.dataset['dealId']) : undefined;
    const change = deal && pending.get(deal.dealId);
    return deal && change
      ? { ...deal, stage: change.stage ?? deal.stage, revision: change.revision ?? deal.revision }
      : deal;
  };

  // The cards' drag, keys and buttons, handled here: one listener for the board, not one per card.
  const onCardClick = (event: MouseEvent) => {
    const button =
      event.target instanceof Element ? event.target.closest<HTMLElement>('button[data-action]') : null;
    const deal = button && dealOfCard(button);
    if (!button || !deal || !canCommand) return;
    const action = button.dataset['action'] as CardAction;
    if (action === 'win') onWin(deal);
    else onPanel(deal.dealId, panel?.dealId === deal.dealId && panel.panel === action ? null : action);
  };
  // A card moved by keyboard lands in another column (another element), and again when the board reloads:
  // the focus follows it, until the user focuses something else.
  const refocus = useRef<string | null>(null);
  useEffect(() => {
    const dealId = refocus.current;
    if (dealId === null) return;
    const card = document.querySelector<HTMLElement>(`article[data-deal-id="${dealId}"]`);
    const active = document.activeElement;
    if (active && active !== document.body && active !== card) refocus.current = null;
    else if (card && active !== card) card.focus();
  });
  const onCardKeyDown = (event: KeyboardEvent) => {
    const card = event.target instanceof HTMLElement && event.target.matches('article[data-deal-id]');
    if (!card || !canCommand || !event.shiftKey) return;
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    const deal = step === 0 ? undefined : dealOfCard(event.target);
    if (!deal || pending.get(deal.dealId)?.inFlight) return;
    event.preventDefault();
    const stage = neighbourStage(stages, deal.stage, step === 1 ? 1 : -1);
    if (stage === undefined) return;
    refocus.current = deal.dealId;
    onMove(deal, stage);
  };
  const onCardDragStart = (event: DragEvent) => {
    const deal = dealOfCard(event.target);
    if (!deal || !canCommand) return;
    event.dataTransfer?.setData('text/plain', deal.dealId);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
    setDragged(deal.dealId);
  };
  const onDragEnd = () => {
    setDragged(null);
    setDropTarget(null);
  };

  const onDrop = (stage: string, event: DragEvent) => {
    event.preventDefault();
    const dealId = event.dataTransfer?.getData('text/plain') || dragged;
    setDragged(null);
    setDropTarget(null);
    const deal = dealId
      ? dealOfCard(document.querySelector(`article[data-deal-id="${CSS.escape(dealId)}"]`))
      : undefined;
    if (deal && deal.stage !== stage) onMove(deal, stage);
  };

  const stages = useMemo(() => data?.report.stages ?? [], [data]);
  // The first board loaded is drawn in two frames (FIRST_FRAME_CARDS); it is busy until the second is drawn.
  const [firstFrame, setFirstFrame] = useState(true);
  const busy = loading || (data !== null && firstFrame);
  useEffect(() => {
    if (loading || data === null) return;
    if (!firstFrame) return markOnce(BOARD_DRAWN);
    // Effects run once the frame is painted: the first frame is shown, the rest of the cards are drawn next.
    markOnce(BOARD_SHOWN);
    setFirstFrame(false);
  }, [loading, data, firstFrame]);
  const cardsOf = (stage: string): readonly Deal[] | null => {
    if (!data?.dealsByStage) return null;
    const deals = dealsOfStage(data, stage, pending);
    return firstFrame ? deals.slice(0, FIRST_FRAME_CARDS) : deals;
  };

  return (
    <section class="board-page" aria-labelledby="board-title">
      <h2 id="board-title" class="visually-hidden">
        Board
      </h2>
      <p class="help" id="board-help">
        {canCommand
          ? 'Drag a card to another column to move the deal, or focus a card and press Shift+→ or Shift+← to ' +
            'move it to the next or previous stage; its Move…, Win and Lose… buttons do the same. A refused ' +
            'move goes back to where it was, with the reason. A column shows its newest ' +
            `${CARDS_PER_STAGE} deals; "Show more" adds the next ones.`
          : asOf !== null
            ? 'The board as it stood at the chosen moment: commands are disabled in the past.'
            : 'The board of the pipeline: this key may look, not change deals.'}
      </p>
      <div class="board-tools">
        {may(me, 'commands') && <CaptureLeadForm {...props} disabled={asOf !== null} />}
      </div>
      {refusal !== null && (
        <div class="problem" role="alert">
          {refusal}
        </div>
      )}
      {loadError !== null && (
        <div class="problem" role="alert">
          {loadError}
        </div>
      )}
      {asOf !== null && !mayListPast && (
        <p class="message">
          The figures are as of the chosen moment; the cards of the past are shown only to keys that may read
          histories.
        </p>
      )}
      <div
        class="board"
        data-testid="board"
        data-pipeline-id={data?.report.pipelineId}
        data-as-of={data?.asOf ?? undefined}
        aria-busy={busy ? 'true' : 'false'}
        aria-describedby="board-help"
        onClick={onCardClick}
        onKeyDown={onCardKeyDown}
        onDragStart={onCardDragStart}
        onDragEnd={onDragEnd}
      >
        {data &&
          stages.map((row) => (
            <StageColumn
              key={row.stage}
              row={row}
              deals={cardsOf(row.stage)}
              more={data.stagesWithMore.has(row.stage)}
              onShowMore={() => showMore(row.stage)}
              dropTarget={dropTarget === row.stage}
              onDragOver={(event) => {
                if (!canCommand || dragged === null) return;
                event.preventDefault();
                if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
                if (dropTarget !== row.stage) setDropTarget(row.stage);
              }}
              onDragLeave={() => setDropTarget((target) => (target === row.stage ? null : target))}
              onDrop={(event) => onDrop(row.stage, event)}
            >
              {(deal) => (
                <DealCard
                  key={deal.dealId}
                  deal={deal}
                  stages={stages}
                  canCommand={canCommand}
                  linksToHistory={may(me, 'histories')}
                  pending={pending.get(deal.dealId)?.inFlight === true}
                  panel={panel?.dealId === deal.dealId ? panel.panel : null}
                  onPanel={onPanel}
                  onMove={onMove}
                  onLose={onLose}
                />
              )}
            </StageColumn>
          ))}
      </div>
    </section>
  );
}

interface StageColumnProps {
  readonly row: StageRow;
  /** null: cards not shown (a past the key may not list). */
  readonly deals: readonly Deal[] | null;
  /** The stage has open deals beyond those shown. */
  readonly more: boolean;
  readonly onShowMore: () => void;
  readonly dropTarget: boolean;
  readonly onDragOver: (event: DragEvent) => void;
  readonly onDragLeave: () => void;
  readonly onDrop: (event: DragEvent) => void;
  readonly children: (deal: Deal) => preact.JSX.Element;
}

/** A stage: its figures as the report gives them, and its cards. */
function StageColumn({
  row,
  deals,
  more,
  onShowMore,
  dropTarget,
  onDragOver,
  onDragLeave,
  onDrop,
  children,
}: StageColumnProps) {
  const headingId = `stage-${row.stage}-title`;
  return (
    <section
      class={dropTarget ? 'column drop-target' : 'column'}
      aria-label={`Stage ${row.name}`}
      data-stage={row.stage}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <h3 id={headingId} class="column-title">
        {row.name}
        {row.retired && ' (retired)'}
      </h3>
      <dl class="figures">
        <div>
          <dt>Deals</dt>
          <dd data-testid={`stage-count-${row.stage}`} data-value={row.openDeals}>
            {row.openDeals}
          </dd>
          {row.rottingDeals > 0 && (
            <>
              <dt>Rotting</dt>
              <dd data-testid={`stage-rotting-${row.stage}`} data-value={row.rottingDeals}>
                {row.rottingDeals}
              </dd>
            </>
          )}
        </div>
        {row.values.map((value) => (
          <div key={value.currency}>
            <dt>Total</dt>
            <dd data-testid={`stage-total-${row.stage}-${value.currency}`} data-value={value.total}>
              {formatMoney(value.total, value.currency)}
            </dd>
            <dt>Weighted</dt>
            <dd data-testid={`stage-weighted-${row.stage}-${value.currency}`} data-value={value.weighted}>
              {formatMoney(value.weighted, value.currency)}
            </dd>
          </div>
        ))}
      </dl>
      {deals !== null && (
        <div class="cards">
          {deals.length === 0 ? <p class="empty">No open deals</p> : deals.map((deal) => children(deal))}
          {more && (
            <button type="button" class="secondary show-more" onClick={onShowMore}>
              {`Show ${CARDS_PER_STAGE} more`}
              <span class="visually-hidden">{` deals in ${row.name}`}</span>
            </button>
          )}
        </div>
      )}
    </section>
  );
}

import type { ApiClient, Schemas } from '@app/api-client';
import { problemDetail } from '../api';

export type Deal = Schemas['DealView'];
export type PipelineReport = Schemas['PipelineReportView'];
export type StageRow = Schemas['PipelineStageRowView'];

/** The board as loaded: the pipeline report (the columns and their figures) and the open deals by stage. */
export interface BoardData {
  /** The moment shown; null: now. */
  readonly asOf: string | null;
  readonly report: PipelineReport;
  /**
   * The open deals of each stage of the report, the first ones of the list (newest first) up to the stage's
   * number of cards shown; null when the key may not list the deals of that moment.
   */
  readonly dealsByStage: ReadonlyMap<string, readonly Deal[]> | null;
  /** The stages that have more open deals than were loaded. */
  readonly stagesWithMore: ReadonlySet<string>;
}

export interface BoardQuery {
  readonly pipelineId: string;
  /** The moment shown; null: now. */
  readonly asOf: string | null;
  /** Now only: what is read includes this log position. */
  readonly minPosition: string | null;
  /** Whether to list the deals (the cards), or the figures alone. */
  readonly withDeals: boolean;
  /** How many cards each stage shows (CARDS_PER_STAGE unless the user asked for more). */
  readonly cardsShown: (stage: string) => number;
}

/**
 * The cards a column shows at first: a board with thousands of open deals shows the first ones of each stage
 * at once, and the rest a page at a time when asked ("Show more"), as the column's figures count them all.
 */
export const CARDS_PER_STAGE = 50;

/** A load that failed: what to tell the user. */
export class BoardLoadError extends Error {}

/** The largest page GET /deals gives. */
const PAGE_SIZE = 100;

const moment = (query: BoardQuery): { asOf: string } | { minPosition: string } | Record<string, never> =>
  query.asOf !== null
    ? { asOf: query.asOf }
    : query.minPosition !== null
      ? { minPosition: query.minPosition }
      : {};

/**
 * Loads the board: the report and the first open deals of each of its stages at the same time (each stage's
 * pages one after the other, as the cursors chain), both at least as fresh as minPosition. The stages to list are the
 * pipeline's (GET /pipelines/{id}): a retired stage the report lists for the deals still in it is listed too.
 */
export async function loadBoard(api: ApiClient, query: BoardQuery): Promise<BoardData> {
  const [report, stages] = await Promise.all([
    pipelineReport(api, query),
    query.withDeals ? openDealsByStage(api, query) : null,
  ]);
  const dealsByStage = stages && new Map([...stages].map(([stage, { deals }]) => [stage, deals] as const));
  const stagesWithMore = new Set([...(stages ?? [])].filter(([, { more }]) => more).map(([stage]) => stage));
  return { asOf: query.asOf, report, dealsByStage, stagesWithMore };
}

async function pipelineReport(api: ApiClient, query: BoardQuery): Promise<PipelineReport> {
  const { data, error, response } = await api.GET('/analytics/pipeline', {
    params: { query: { pipelineId: query.pipelineId, ...moment(query) } },
  });
  if (!data) throw new BoardLoadError(problemDetail(error, response));
  return data;
}

interface StageDeals {
  readonly deals: Deal[];
  /** More open deals follow those loaded. */
  readonly more: boolean;
}

/** The open deals of the pipeline by stage, every stage listed at the same time. */
async function openDealsByStage(api: ApiClient, query: BoardQuery): Promise<Map<string, StageDeals>> {
  const {
    data: pipeline,
    error,
    response,
  } = await api.GET('/pipelines/{pipelineId}', {
    params: { path: { pipelineId: query.pipelineId } },
  });
  if (!pipeline) throw new BoardLoadError(problemDetail(error, response));
  const stages = await Promise.all(
    pipeline.stages.map(async (row) => [row.stage, await openDealsIn(api, query, row.stage)] as const),
  );
  return new Map(stages);
}

async function openDealsIn(api: ApiClient, query: BoardQuery, stage: string): Promise<StageDeals> {
  const deals: Deal[] = [];
  const wanted = query.cardsShown(stage);
  let cursor: string | undefined;
  do {
    const { data, error, response } = await api.GET('/deals', {
      params: {
        query: {
          status: 'open',
          pipelineId: query.pipelineId,
          stage,
          limit: Math.min(PAGE_SIZE, wanted - deals.length),
          ...(cursor === undefined ? {} : { cursor }),
          ...moment(query),
        },
      },
    });
    if (!data) throw new BoardLoadError(problemDetail(error, response));
    deals.push(...data.items);
    cursor = data.nextCursor ?? undefined;
  } while (cursor !== undefined && deals.length < wanted);
  return { deals, more: cursor !== undefined };
}

/** The first load of a board, started before the key's rights are known: see prefetchBoard. */
let prefetched: { readonly pipelineId: string; readonly board: Promise<BoardData> } | null = null;

/**
 * Starts loading the board of now at once (with the default number of cards), while the page still asks who
 * the key is: the board's first load then takes it instead of asking again, which saves the page a round trip
 * when it opens on the board. A prefetch that fails (a key that may not read it) is simply not used.
 */
export function prefetchBoard(api: ApiClient, pipelineId: string): void {
  const board = loadBoard(api, {
    pipelineId,
    asOf: null,
    minPosition: null,
    withDeals: true,
    cardsShown: () => CARDS_PER_STAGE,
  });
  board.catch(() => undefined);
  prefetched = { pipelineId, board };
}

/** The prefetched board for this query, once; undefined when there is none for it. */
export function takePrefetchedBoard(query: BoardQuery): Promise<BoardData> | undefined {
  const taken = prefetched;
  prefetched = null;
  const matches =
    taken !== null &&
    taken.pipelineId === query.pipelineId &&
    query.asOf === null &&
    query.minPosition === null &&
    query.withDeals &&
    query.cardsShown('') === CARDS_PER_STAGE;
  return matches ? taken.board : undefined;
}

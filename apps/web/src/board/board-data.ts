import type { ApiClient, Schemas } from '@app/api-client';
import { problemDetail, readingAt } from '../api';

export type Deal = Schemas['DealView'];
export type PipelineReport = Schemas['PipelineReportView'];
export type StageRow = Schemas['PipelineStageRowView'];
type BoardColumn = Schemas['BoardColumnView'];

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
  /** What is read includes this log position (the latest change the page has seen). */
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

const moment = (query: BoardQuery) => readingAt(query.asOf, query.minPosition);

/**
 * Loads the board, at least as fresh as minPosition. With the deals: in one request (the pipeline's board: its
 * report and the first CARDS_PER_STAGE open deals of each stage, read together), then the further pages of
 * the stages where the user asked for more cards, from each column's cursor. Without: the report alone.
 */
export async function loadBoard(api: ApiClient, query: BoardQuery): Promise<BoardData> {
  if (!query.withDeals) {
    const { data, error, response } = await api.GET('/analytics/pipeline', {
      params: { query: { pipelineId: query.pipelineId, ...moment(query) } },
    });
    if (!data) throw new BoardLoadError(problemDetail(error, response));
    return { asOf: query.asOf, report: data, dealsByStage: null, stagesWithMore: new Set() };
  }
  const { data, error, response } = await api.GET('/pipelines/{pipelineId}/board', {
    params: {
      path: { pipelineId: query.pipelineId },
      query: { cardsPerStage: CARDS_PER_STAGE, ...moment(query) },
    },
  });
  if (!data) throw new BoardLoadError(problemDetail(error, response));
  // The further pages read the board's moment: its position now, or the same asOf.
  const sameMoment = { ...query, minPosition: data.report.position };
  const columns = await Promise.all(
    data.columns.map(async (column) => [column.stage, await moreDeals(api, sameMoment, column)] as const),
  );
  const dealsByStage = new Map(columns.map(([stage, { deals }]) => [stage, deals] as const));
  const stagesWithMore = new Set(columns.filter(([, { more }]) => more).map(([stage]) => stage));
  return { asOf: query.asOf, report: data.report, dealsByStage, stagesWithMore };
}

interface StageDeals {
  readonly deals: Deal[];
  /** More open deals follow those loaded. */
  readonly more: boolean;
}

/** A column of the board, with the next pages of GET /deals up to the number of cards its stage shows. */
async function moreDeals(api: ApiClient, query: BoardQuery, column: BoardColumn): Promise<StageDeals> {
  const deals = [...column.deals];
  const wanted = query.cardsShown(column.stage);
  let cursor = column.nextCursor ?? undefined;
  while (cursor !== undefined && deals.length < wanted) {
    const { data, error, response } = await api.GET('/deals', {
      params: {
        query: {
          status: 'open',
          pipelineId: query.pipelineId,
          stage: column.stage,
          limit: Math.min(PAGE_SIZE, wanted - deals.length),
          cursor,
          ...moment(query),
        },
      },
    });
    if (!data) throw new BoardLoadError(problemDetail(error, response));
    deals.push(...data.items);
    cursor = data.nextCursor ?? undefined;
  }
  return { deals, more: cursor !== undefined };
}

/** The first load of a board, started before the key's rights are known: see prefetchBoard. */
interface Prefetched {
  readonly pipelineId: string;
  readonly board: Promise<BoardData>;
  /** The board, once it has come. */
  loaded?: BoardData;
}

let prefetched: Prefetched | null = null;

/**
 * Starts loading the board of now at once (with the default number of cards), while the page still asks who
 * the key is: the board's first load then takes it instead of asking again, which saves the page a round trip
 * when it opens on the board. A prefetch that fails (a key that may not read it) is simply not used. The
 * promise answered settles when the board has come, with the log position it includes (null: it failed).
 */
export function prefetchBoard(api: ApiClient, pipelineId: string): Promise<string | null> {
  const entry: Prefetched = {
    pipelineId,
    board: loadBoard(api, {
      pipelineId,
      asOf: null,
      minPosition: null,
      withDeals: true,
      cardsShown: () => CARDS_PER_STAGE,
    }),
  };
  prefetched = entry;
  return entry.board.then(
    (board) => {
      entry.loaded = board;
      return board.report.position;
    },
    () => null,
  );
}

/** The prefetched board if it is the one this query asks for. */
const prefetchedFor = (query: BoardQuery): Prefetched | null =>
  prefetched !== null &&
  prefetched.pipelineId === query.pipelineId &&
  query.asOf === null &&
  query.minPosition === null &&
  query.withDeals
    ? prefetched
    : null;

/** The prefetched board for this query, once; undefined when there is none for it. */
export function takePrefetchedBoard(query: BoardQuery): Promise<BoardData> | undefined {
  const taken = prefetchedFor(query);
  prefetched = null;
  return taken?.board;
}

/**
 * The prefetched board for this query if it has come already, taken (once): the board's first render draws
 * it at once, instead of a frame without it first. Undefined otherwise (and the prefetch stays for
 * takePrefetchedBoard).
 */
export function takeLoadedBoard(query: BoardQuery): BoardData | undefined {
  const loaded = prefetchedFor(query)?.loaded;
  if (loaded !== undefined) prefetched = null;
  return loaded;
}

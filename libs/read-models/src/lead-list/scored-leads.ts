import {
  type Band,
  ENGAGEMENT_EPOCH,
  type ScoringRuleSet,
  type ScoringRules,
  engagementFromRank,
  initialScoringState,
} from '@app/domain';
import type { DocumentReader, FindQuery } from '../projection';
import {
  LEADS,
  LEAD_SCORING,
  LEAD_SCORING_RULES_ID,
  type LeadDoc,
  type LeadScoringDoc,
} from './lead-list.projection';

/*
 * Leads by their score at a moment, from the lead list's `fit` and `engagementRank` (see lead-list.projection).
 * A score is fit + engagement, rounded as the domain's scoreLead rounds it; engagement decays with time, but
 * every lead's by the same factor, so that an order by engagementRank is the order by engagement at any
 * moment. Nothing here reads every lead: the list by score merges two sorted accesses (the threshold
 * algorithm), the newest-first list reads in chunks until a page is full.
 */

const DAY_MS = 24 * 3600 * 1000;
/** Below every engagement rank: the range that leaves out leads without engagement. */
const LOWEST_RANK = -Number.MAX_VALUE;
/** Slack on a computed rank bound, so that rounding never leaves out a lead it should hold. */
const RANK_SLACK = 1e-6;
/** Above every id: a keyset position before all the documents of one order value. */
const MAX_ID = '\uffff';

/** Equality filters of a read (the lead list indexes fit, engagementRank and capturedAt after each single filter). */
const filtersOf = (where: FindQuery['where']): Pick<FindQuery, 'where'> =>
  where && Object.keys(where).length > 0 ? { where } : {};

/** The rule set the lead list's scores were computed with, from the same snapshot (the default before any lead). */
export async function leadListRuleSet(reader: DocumentReader): Promise<ScoringRuleSet> {
  const stored = await reader.get<LeadScoringDoc>(LEAD_SCORING, LEAD_SCORING_RULES_ID);
  return stored
    ? { version: stored.version, rules: stored.rules, definedAt: stored.definedAt }
    : initialScoringState();
}

/** A lead's score at a moment: fit plus its engagement decayed to then, rounded to a whole number. */
export const scoreAt = (
  rules: ScoringRules,
  lead: Pick<LeadDoc, 'fit' | 'engagementRank'>,
  at: string,
): number => Math.round(lead.fit + engagementFromRank(rules, lead.engagementRank, at));

/** The engagement rank whose engagement is `engagement` at a moment: engagementFromRank's inverse. */
const rankOf = (rules: ScoringRules, engagement: number, at: string): number =>
  Math.log2(engagement) + (Date.parse(at) - ENGAGEMENT_EPOCH) / (rules.halfLifeDays * DAY_MS);

/** Scores a list selects: at least `min`, below `below`; either open. */
export interface ScoreRange {
  readonly min?: number;
  readonly below?: number;
}

/** The scores of a band: hot from the hot threshold, warm from the warm one up to hot, cold below warm. */
export function bandRange(rules: ScoringRules, band: Band): ScoreRange {
  const { hot, warm } = rules.bands;
  return band === 'hot' ? { min: hot } : band === 'warm' ? { min: warm, below: hot } : { below: warm };
}

/** The scores a list asks for: at least minScore, and in the band; both optional. */
export function scoreRange(rules: ScoringRules, minScore?: number, band?: Band): ScoreRange {
  const inBand = band === undefined ? {} : bandRange(rules, band);
  const min = Math.max(minScore ?? -Infinity, inBand.min ?? -Infinity);
  return {
    ...(min === -Infinity ? {} : { min }),
    ...(inBand.below === undefined ? {} : { below: inBand.below }),
  };
}

const inRange = (score: number, range: ScoreRange): boolean =>
  (range.min === undefined || score >= range.min) && (range.below === undefined || score < range.below);

export interface ScoredLead {
  readonly lead: LeadDoc;
  readonly score: number;
}

/**
 * Where a list by score resumes: after this score, fit and id (each descending). Among equal scores the better
 * fit comes first: the order of the read by fit then settles ties, so that leads of equal scores (fits tie a
 * lot) need not all be read before the first is shown.
 */
export interface ScoreCursor {
  readonly score: number;
  readonly fit: number;
  readonly id: string;
}

/** Whether a (score, fit, id) comes before another in the list by score. */
const ahead = (a: ScoreCursor, b: ScoreCursor): boolean =>
  a.score !== b.score ? a.score > b.score : a.fit !== b.fit ? a.fit > b.fit : a.id > b.id;

const positionOf = ({ lead, score }: ScoredLead): ScoreCursor => ({ score, fit: lead.fit, id: lead.id });

const listOrder = (a: ScoredLead, b: ScoredLead): number =>
  ahead(positionOf(a), positionOf(b)) ? -1 : ahead(positionOf(b), positionOf(a)) ? 1 : 0;

export interface ScoredListQuery {
  /** Equality filters on the lead list's indexed fields (status, source, tags, owner). */
  readonly where?: FindQuery['where'];
  /** The moment the scores are for. */
  readonly at: string;
  readonly range?: ScoreRange;
  /** Documents read at first; each later read doubles it, up to `maxChunk`. */
  readonly chunk?: number;
  readonly maxChunk?: number;
}

/** Reads a collection in growing chunks: the first small for a first page, later ones larger. */
class ChunkSize {
  constructor(
    private size: number,
    private readonly max: number,
  ) {}
  next(): number {
    const size = this.size;
    this.size = Math.min(this.size * 2, this.max);
    return size;
  }
}

/**
 * The leads in score order at a moment (score descending, ties by id descending), only those in the range and
 * after the cursor. A threshold-algorithm merge of two sorted reads of the lead list with the same filters:
 * by fit (every lead) and by engagement rank (leads with engagement). Every lead read is scored exactly; no
 * lead not read yet scores more than fit(last read by fit) + engagement(last read by rank), so a lead read
 * that scores more is next in order. Once the leads with engagement are all read, those not read score their
 * fit, and the order by fit is their order by score. Reads stop when no lead not read can be in the range.
 */
export async function* leadsByScore(
  reader: DocumentReader,
  rules: ScoringRules,
  query: ScoredListQuery & { readonly after?: ScoreCursor },
): AsyncGenerator<ScoredLead> {
  const { at, range = {}, after } = query;
  const filters = filtersOf(query.where);
  const fitChunks = new ChunkSize(query.chunk ?? 50, query.maxChunk ?? 200);
  const rankChunks = new ChunkSize(query.chunk ?? 50, query.maxChunk ?? 200);
  const seen = new Set<string>();
  const pool: ScoredLead[] = [];
  const admit = (docs: readonly LeadDoc[]) => {
    for (const lead of docs) {
      if (seen.has(lead.id)) continue;
      seen.add(lead.id);
      const score = scoreAt(rules, lead, at);
      if (inRange(score, range) && (!after || ahead(after, { score, fit: lead.fit, id: lead.id })))
        pool.push({ lead, score });
    }
  };

  // By fit: a lead in the list after the cursor has a fit (the least its score can be) at most the cursor's
  // score, and at most its fit when their scores are equal.
  let byFit: { fit: number; id: string } | undefined = after
    ? after.fit < after.score
      ? { fit: after.score, id: MAX_ID }
      : { fit: after.fit, id: after.id }
    : undefined;
  let fitDone = false;
  const fitRange: FindQuery['range'] =
    range.below === undefined ? undefined : { field: 'fit', lt: range.below };
  const readByFit = async () => {
    const docs = await reader.find<LeadDoc>(LEADS, {
      ...filters,
      ...(fitRange ? { range: fitRange } : {}),
      orderBy: { field: 'fit', direction: 'desc' },
      ...(byFit ? { after: { value: byFit.fit, id: byFit.id } } : {}),
      limit: fitChunks.next(),
    });
    admit(docs);
    const last = docs[docs.length - 1];
    if (last) byFit = { fit: last.fit, id: last.id };
    else fitDone = true;
  };

  // By engagement rank, only as high as a lead in the range and after the cursor can have.
  const rankRange = await engagementRankRange(reader, rules, query);
  let byRank: { rank: number; id: string } | undefined;
  let rankDone = rankRange === undefined;
  const readByRank = async () => {
    const docs = await reader.find<LeadDoc>(LEADS, {
      ...filters,
      range: { field: 'engagementRank', ...rankRange },
      orderBy: { field: 'engagementRank', direction: 'desc' },
      ...(byRank ? { after: { value: byRank.rank, id: byRank.id } } : {}),
      limit: rankChunks.next(),
    });
    admit(docs);
    const last = docs[docs.length - 1];
    if (last) byRank = { rank: last.engagementRank!, id: last.id };
    else rankDone = true;
  };

  /** The most a lead not read yet, in the range, can score. */
  const unreadAtMost = (): number => {
    const fit = byFit?.fit ?? Infinity;
    const engagement = rankDone ? 0 : byRank ? engagementFromRank(rules, byRank.rank, at) : Infinity;
    return Math.min(Math.round(fit + engagement), (range.below ?? Infinity) - 1);
  };
  /**
   * Whether every lead not read yet comes after this one: none scores more than unreadAtMost, and one that
   * scores as much comes after the last read by fit in (fit, id), as every lead not read by fit does.
   */
  const settled = (lead: ScoredLead): boolean => {
    const most = unreadAtMost();
    if (lead.score !== most) return lead.score > most;
    return byFit !== undefined && !ahead({ score: most, ...byFit }, positionOf(lead));
  };

  /**
   * Which read brings the next lead closer to settled: when the fit bound alone is below the best lead
   * waiting, only the engagement bound holds it back (fits tie a lot: reading by fit may not lower its bound
   * for long); otherwise the fit bound must come down. With nobody waiting, the two take turns.
   */
  let turn: 'fit' | 'rank' = 'fit';
  const nextRead = (): 'fit' | 'rank' => {
    if (rankDone) return 'fit';
    const waiting = pool[0];
    if (waiting && byFit) return byFit.fit < waiting.score ? 'rank' : 'fit';
    turn = turn === 'fit' ? 'rank' : 'fit';
    return turn;
  };

  for (;;) {
    pool.sort(listOrder);
    while (pool.length > 0 && settled(pool[0]!)) yield pool.shift()!;
    if (fitDone || (range.min !== undefined && unreadAtMost() < range.min)) {
      yield* pool;
      return;
    }
    if (nextRead() === 'fit') await readByFit();
    else await readByRank();
  }
}

/**
 * The engagement ranks a lead in the range and after the cursor can have: its score is at most the range's
 * end (or the cursor's score), so its engagement is below that minus the lowest fit of the leads filtered.
 * Undefined when no such lead has engagement.
 */
async function engagementRankRange(
  reader: DocumentReader,
  rules: ScoringRules,
  query: ScoredListQuery & { readonly after?: ScoreCursor },
): Promise<{ gte: number; lt?: number } | undefined> {
  const { range = {}, after, at } = query;
  // A score s rounds below `below` when s < below - 0.5, and to at most the cursor's when s < score + 0.5.
  const below = Math.min(
    range.below === undefined ? Infinity : range.below - 0.5,
    after === undefined ? Infinity : after.score + 0.5,
  );
  if (below === Infinity) return { gte: LOWEST_RANK };
  const [lowest] = await reader.find<LeadDoc>(LEADS, {
    ...filtersOf(query.where),
    orderBy: { field: 'fit', direction: 'asc' },
    limit: 1,
  });
  if (!lowest) return undefined;
  const engagement = below - lowest.fit;
  if (engagement <= 0) return undefined;
  return { gte: LOWEST_RANK, lt: rankOf(rules, engagement, at) + RANK_SLACK };
}

/** Where a newest-first list resumes: after this capture time and id. */
export interface CaptureCursor {
  readonly capturedAt: string;
  readonly id: string;
}

/**
 * The leads newest first (capture time descending, ties by id descending) after the cursor whose score at
 * the moment is in the range: read in growing chunks and filtered, until the caller has enough.
 */
export async function* newestLeadsInRange(
  reader: DocumentReader,
  rules: ScoringRules,
  query: ScoredListQuery & { readonly after?: CaptureCursor },
): AsyncGenerator<ScoredLead> {
  const { at, range = {} } = query;
  const filters = filtersOf(query.where);
  const chunks = new ChunkSize(query.chunk ?? 50, query.maxChunk ?? 200);
  let after = query.after;
  for (;;) {
    const docs = await reader.find<LeadDoc>(LEADS, {
      ...filters,
      orderBy: { field: 'capturedAt', direction: 'desc' },
      ...(after ? { after: { value: after.capturedAt, id: after.id } } : {}),
      limit: chunks.next(),
    });
    for (const lead of docs) {
      const score = scoreAt(rules, lead, at);
      if (inRange(score, range)) yield { lead, score };
    }
    const last = docs[docs.length - 1];
    if (!last) return;
    after = { capturedAt: last.capturedAt, id: last.id };
  }
}

/** The first `count` items of an async sequence (the sequence is closed after them). */
export async function firstOf<T>(items: AsyncIterable<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  if (count <= 0) return taken;
  for await (const item of items) {
    taken.push(item);
    if (taken.length >= count) break;
  }
  return taken;
}

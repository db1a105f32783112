import { EMAIL_DIGEST } from '@app/application';
import { type ScoringRules, bandOf, engagementFromRank } from '@app/domain';
import {
  LEADS,
  type LeadDoc,
  ReadStore,
  type ScoredLead,
  type SnapshotReader,
  firstOf,
  leadIdsWithEmailDigest,
  leadListRuleSet,
  leadsByScore,
  newestLeadsInRange,
  scoreAt,
  scoreRange,
} from '@app/read-models';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { given, pageOf } from '../../http/paging';
import type { ListLeadsQueryDto } from '../../http/query-fields';
import { ReadGate } from '../../read-side/read-gate';
import { type LeadView, toScoredLeadView } from '../lead.view';
import { decodeScoredListCursor, encodeScoredListCursor } from './list-leads.cursor';
import { type LeadPage, ListLeadsQuery } from './list-leads.query';

/** The largest chunk a scored list reads at once. */
const MAX_CHUNK = 200;

/**
 * Lists of leads from the lead list, in one snapshot with the rule set its scores were computed with: newest
 * first, or by score at a moment (see scored-leads), filtered by score or band; every lead with its score
 * and band at the list's moment.
 */
@QueryHandler(ListLeadsQuery)
export class ListLeadsHandler implements IQueryHandler<ListLeadsQuery> {
  constructor(
    private readonly store: ReadStore,
    private readonly gate: ReadGate,
    @Inject(EMAIL_DIGEST) private readonly emailDigest: (email: string) => string,
  ) {}

  async execute({ filters, minPosition }: ListLeadsQuery): Promise<LeadPage> {
    await this.gate.reached(minPosition);
    return this.store.snapshot(async (reader) => {
      const { rules } = await leadListRuleSet(reader);
      if (filters.email !== undefined)
        return withEmail(reader, rules, filters, this.emailDigest(filters.email));
      const scored = filters.sort === 'score' || filters.minScore !== undefined || filters.band !== undefined;
      return scored ? scoredPage(reader, rules, filters) : newestPage(reader, rules, filters);
    });
  }
}

const whereOf = (filters: ListLeadsQueryDto) =>
  given({ status: filters.status, source: filters.source, tags: filters.tag, owner: filters.owner });

/** A lead of the list with its score at the list's moment, its parts and its band. */
const viewOf = (rules: ScoringRules, at: string, { lead, score }: ScoredLead): LeadView =>
  toScoredLeadView(lead, lead.revision, {
    score,
    fit: lead.fit,
    engagement: Math.round(engagementFromRank(rules, lead.engagementRank, at) * 100) / 100,
    band: bandOf(rules, score),
  });

/** The leads with an email (by its digest), newest first, narrowed by the other filters: one page. */
async function withEmail(
  reader: SnapshotReader,
  rules: ScoringRules,
  filters: ListLeadsQueryDto,
  emailDigest: string,
): Promise<LeadPage> {
  const at = new Date().toISOString();
  const leads: LeadDoc[] = [];
  for (const id of await leadIdsWithEmailDigest(reader, emailDigest)) {
    const lead = await reader.get<LeadDoc>(LEADS, id);
    if (!lead) continue;
    if (filters.status !== undefined && lead.status !== filters.status) continue;
    if (filters.source !== undefined && lead.source !== filters.source) continue;
    if (filters.owner !== undefined && lead.owner !== filters.owner) continue;
    if (filters.tag !== undefined && !lead.tags.includes(filters.tag)) continue;
    leads.push(lead);
  }
  leads.sort((a, b) =>
    a.capturedAt === b.capturedAt ? (a.id < b.id ? 1 : -1) : a.capturedAt < b.capturedAt ? 1 : -1,
  );
  const items = leads
    .map((lead) => ({ lead, score: scoreAt(rules, lead, at) }))
    .filter(({ score }) => filters.minScore === undefined || score >= filters.minScore)
    .filter(({ score }) => filters.band === undefined || bandOf(rules, score) === filters.band)
    .map((item) => viewOf(rules, at, item));
  return { items, nextCursor: null };
}

/** Newest first, every lead scored now. */
function newestPage(reader: SnapshotReader, rules: ScoringRules, filters: ListLeadsQueryDto) {
  const at = new Date().toISOString();
  return pageOf<LeadDoc, LeadView>(
    reader,
    LEADS,
    { where: whereOf(filters), newestFirstBy: 'capturedAt' },
    filters,
    (lead) => viewOf(rules, at, { lead, score: scoreAt(rules, lead, at) }),
  );
}

/** By score, or newest first only the leads whose score is in the range, all at the moment of the first page. */
async function scoredPage(
  reader: SnapshotReader,
  rules: ScoringRules,
  filters: ListLeadsQueryDto,
): Promise<LeadPage> {
  const order = filters.sort ?? 'newest';
  const cursor = decodeScoredListCursor(filters.cursor, order);
  const limit = filters.limit ?? 20;
  const query = {
    where: whereOf(filters),
    at: cursor?.at ?? new Date().toISOString(),
    range: scoreRange(rules, filters.minScore, filters.band),
    chunk: limit + 1,
    maxChunk: MAX_CHUNK,
  };
  const leads =
    order === 'score'
      ? leadsByScore(reader, rules, {
          ...query,
          ...(cursor
            ? { after: { score: cursor.value as number, fit: cursor.fit ?? 0, id: cursor.id } }
            : {}),
        })
      : newestLeadsInRange(reader, rules, {
          ...query,
          ...(cursor ? { after: { capturedAt: cursor.value as string, id: cursor.id } } : {}),
        });
  const found = await firstOf(leads, limit + 1);
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((item) => viewOf(rules, query.at, item)),
    nextCursor:
      found.length > limit && last
        ? encodeScoredListCursor({
            order,
            at: query.at,
            value: order === 'score' ? last.score : last.lead.capturedAt,
            ...(order === 'score' ? { fit: last.lead.fit } : {}),
            id: last.lead.id,
          })
        : null,
  };
}

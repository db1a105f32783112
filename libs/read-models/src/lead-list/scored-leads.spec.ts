import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BANDS, type Band, DEFAULT_SCORING_RULES, ENGAGEMENT_EPOCH, type ScoringRules } from '@app/domain';
import { openSqliteDatabase } from '@app/event-store';
import fc from 'fast-check';
import { findIn } from '../memory-documents';
import type { Doc, DocumentReader, FindQuery } from '../projection';
import { SqliteReadStore } from '../sqlite/sqlite-read-store';
import { LEADS, type LeadDoc, leadListProjection } from './lead-list.projection';
import {
  type ScoreRange,
  type ScoredLead,
  firstOf,
  leadsByScore,
  newestLeadsInRange,
  scoreRange,
} from './scored-leads';

/*
 * The scored lists against a brute force over random leads: every lead scored at the moment, filtered,
 * sorted, then paged. Fits and engagement come from small sets, so that scores tie often (on the score and on
 * both its parts), and chunks are small, so that the merge takes many rounds.
 */

const DAY = 86_400_000;
const STATUSES = ['captured', 'qualified'] as const;
const TAGS = ['hot', 'cold'] as const;

interface RandomLead {
  readonly fit: number;
  /** Engagement points at the epoch's moment + `days`, or none. */
  readonly engagement: { readonly points: number; readonly days: number } | null;
  readonly status: (typeof STATUSES)[number];
  readonly tags: readonly string[];
  readonly capturedDay: number;
}

const leadArbitrary: fc.Arbitrary<RandomLead> = fc.record({
  fit: fc.oneof(fc.constantFrom(0, 10, 25, 40), fc.integer({ min: -20, max: 80 })),
  engagement: fc.option(
    fc.record({
      points: fc.oneof(fc.constantFrom(3, 10, 15), fc.integer({ min: 1, max: 60 })),
      days: fc.constantFrom(0, 5, 30, 200, 2290, 2300),
    }),
    { freq: 2 },
  ),
  status: fc.constantFrom(...STATUSES),
  tags: fc.subarray([...TAGS]),
  capturedDay: fc.integer({ min: 0, max: 6 }),
});

const rulesArbitrary: fc.Arbitrary<ScoringRules> = fc
  .record({
    halfLifeDays: fc.constantFrom(1, 7, 30, 365),
    warm: fc.integer({ min: 0, max: 50 }),
    gap: fc.integer({ min: 1, max: 40 }),
  })
  .map(({ halfLifeDays, warm, gap }) => ({
    ...DEFAULT_SCORING_RULES,
    halfLifeDays,
    bands: { warm, hot: warm + gap },
  }));

const docsOf = (leads: readonly RandomLead[], rules: ScoringRules): LeadDoc[] =>
  leads.map(
    (lead, i) =>
      ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        status: lead.status,
        tags: lead.tags,
        capturedAt: new Date(Date.UTC(2026, 2, 1) + lead.capturedDay * DAY).toISOString(),
        fit: lead.fit,
        engagementRank:
          lead.engagement && Math.log2(lead.engagement.points) + lead.engagement.days / rules.halfLifeDays,
      }) as unknown as LeadDoc,
  );

/** Scores written out: fit + points halved every half-life from the engagement's moment, rounded. */
function expectedScore(lead: RandomLead, rules: ScoringRules, at: number): number {
  if (!lead.engagement) return lead.fit;
  const happened = ENGAGEMENT_EPOCH + lead.engagement.days * DAY;
  const halfLives = (at - happened) / (rules.halfLifeDays * DAY);
  return Math.round(lead.fit + lead.engagement.points * 0.5 ** halfLives);
}

interface Case {
  readonly leads: RandomLead[];
  readonly rules: ScoringRules;
  readonly at: number;
  readonly where: FindQuery['where'];
  readonly minScore: number | undefined;
  readonly band: Band | undefined;
  readonly pageSize: number;
  readonly chunk: number;
}

const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  leads: fc.array(leadArbitrary, { maxLength: 60 }),
  rules: rulesArbitrary,
  // After every engagement, at times exactly when the last ones happened.
  at: fc.oneof(
    fc.constant(ENGAGEMENT_EPOCH + 2300 * DAY),
    fc.integer({ min: ENGAGEMENT_EPOCH + 2300 * DAY, max: ENGAGEMENT_EPOCH + 3000 * DAY }),
  ),
  where: fc.oneof(
    fc.constant(undefined),
    fc.record({ status: fc.constantFrom(...STATUSES) }),
    fc.record({ tags: fc.constantFrom(...TAGS) }),
    fc.record({ status: fc.constantFrom(...STATUSES), tags: fc.constantFrom(...TAGS) }),
  ),
  minScore: fc.option(fc.integer({ min: -10, max: 90 }), { nil: undefined }),
  band: fc.option(fc.constantFrom(...BANDS), { nil: undefined }),
  pageSize: fc.integer({ min: 1, max: 12 }),
  chunk: fc.integer({ min: 1, max: 6 }),
});

/** What a list must hold: the leads filtered, scored at the moment, in the range, in order (score, fit, id descending). */
function bruteForce(c: Case, docs: readonly LeadDoc[], order: 'score' | 'newest'): [string, number][] {
  const range = scoreRange(c.rules, c.minScore, c.band);
  const selected = findIn(docs, c.where ? { where: c.where } : {}) as LeadDoc[];
  return selected
    .map((doc): [LeadDoc, number] => [doc, expectedScore(c.leads[docs.indexOf(doc)]!, c.rules, c.at)])
    .filter(([, score]) => (range.min ?? -Infinity) <= score && score < (range.below ?? Infinity))
    .sort(([a, sa], [b, sb]) =>
      order === 'score'
        ? sb - sa || b.fit - a.fit || (a.id < b.id ? 1 : -1)
        : a.capturedAt !== b.capturedAt
          ? a.capturedAt < b.capturedAt
            ? 1
            : -1
          : a.id < b.id
            ? 1
            : -1,
    )
    .map(([doc, score]) => [doc.id, score]);
}

/** Every page of a list, each started again from its cursor, as the API pages. */
async function allPages(
  page: (after: ScoredLead | undefined) => AsyncIterable<ScoredLead>,
  pageSize: number,
): Promise<[string, number][]> {
  const listed: [string, number][] = [];
  let after: ScoredLead | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const found = await firstOf(page(after), pageSize + 1);
    const shown = found.slice(0, pageSize);
    listed.push(...shown.map((item): [string, number] => [item.lead.id, item.score]));
    if (found.length <= pageSize) return listed;
    after = shown[shown.length - 1];
  }
  throw new Error('the pages do not end');
}

function listsOf(reader: DocumentReader, c: Case) {
  const at = new Date(c.at).toISOString();
  const range: ScoreRange = scoreRange(c.rules, c.minScore, c.band);
  const common = { ...(c.where ? { where: c.where } : {}), at, range, chunk: c.chunk, maxChunk: c.chunk * 3 };
  return {
    byScore: () =>
      allPages(
        (after) =>
          leadsByScore(reader, c.rules, {
            ...common,
            ...(after ? { after: { score: after.score, fit: after.lead.fit, id: after.lead.id } } : {}),
          }),
        c.pageSize,
      ),
    newest: () =>
      allPages(
        (after) =>
          newestLeadsInRange(reader, c.rules, {
            ...common,
            ...(after ? { after: { capturedAt: after.lead.capturedAt, id: after.lead.id } } : {}),
          }),
        c.pageSize,
      ),
  };
}

/** A reader over plain documents, answering as the stores do (findIn), counting the documents it reads. */
function arrayReader(docs: readonly Doc[]): DocumentReader & { read: number } {
  const reader = {
    read: 0,
    get: <T extends Doc>(_: string, id: string) => Promise.resolve(docs.find((d) => d.id === id) as T),
    find: <T extends Doc>(_: string, query: FindQuery) => {
      const found = findIn(docs, query) as T[];
      reader.read += found.length;
      return Promise.resolve(found);
    },
    count: (_: string, query: FindQuery) => Promise.resolve(findIn(docs, query).length),
  };
  return reader;
}

describe('leads by score at a moment', () => {
  it('pages through exactly the leads a brute force scores, filters and orders (ties by id)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        const docs = docsOf(c.leads, c.rules);
        const lists = listsOf(arrayReader(docs), c);
        expect(await lists.byScore()).toEqual(bruteForce(c, docs, 'score'));
        expect(await lists.newest()).toEqual(bruteForce(c, docs, 'newest'));
      }),
      { numRuns: 400 },
    );
  });

  it('answers the same from the SQLite read store (keyset paging, ranges, leads without engagement)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scored-'));
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(caseArbitrary, async (c) => {
          const db = openSqliteDatabase(join(dir, `read-${run++}.sqlite`));
          try {
            const store = new SqliteReadStore(db);
            await store.prepare([leadListProjection]);
            const docs = docsOf(c.leads, c.rules);
            await store.commit({
              changes: docs.map((doc) => ({ collection: LEADS, id: doc.id, doc })),
              checkpoints: [],
            });
            const lists = listsOf(store, c);
            expect(await lists.byScore()).toEqual(bruteForce(c, docs, 'score'));
            expect(await lists.newest()).toEqual(bruteForce(c, docs, 'newest'));
          } finally {
            db.close();
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a first page of the hottest leads without reading every lead', async () => {
    // 2000 leads: fits spread out, a fifth with engagement of any age.
    const rules = DEFAULT_SCORING_RULES;
    const leads: RandomLead[] = Array.from({ length: 2000 }, (_, i) => ({
      fit: (i * 37) % 90,
      engagement: i % 5 === 0 ? { points: 1 + (i % 40), days: (i * 13) % 2000 } : null,
      status: 'captured',
      tags: [],
      capturedDay: i % 7,
    }));
    const docs = docsOf(leads, rules);
    const reader = arrayReader(docs);
    const at = new Date(ENGAGEMENT_EPOCH + 2000 * DAY).toISOString();
    const page = await firstOf(leadsByScore(reader, rules, { at }), 21);
    const c = { leads, rules, at: Date.parse(at), where: undefined } as unknown as Case;
    expect(page.map((item) => [item.lead.id, item.score])).toEqual(
      bruteForce({ ...c, minScore: undefined, band: undefined }, docs, 'score').slice(0, 21),
    );
    expect(reader.read).toBeLessThan(600);
  });
});

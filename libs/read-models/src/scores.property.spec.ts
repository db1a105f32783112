import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SCORING_RULES,
  SCORING_RULES_STREAM,
  type ScoringEvent,
  type ScoringRules,
  evolveLead,
  evolveScoring,
  initialLeadState,
  initialScoringState,
  isLeadEvent,
  leadStream,
  scoreLead,
} from '@app/domain';
import { type RecordedEvent, SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import fc from 'fast-check';
import {
  LEADS,
  type LeadDoc,
  firstOf,
  leadListProjection,
  leadListRuleSet,
  leadsByScore,
  scoreAt,
} from './lead-list';
import { ProjectionRunner } from './projection-runner';
import { SqliteReadStore } from './sqlite/sqlite-read-store';
import {
  type Action,
  captureArbitrary,
  defineScoringRulesArbitrary,
  historyOf,
  leadInteractionArbitrary,
  qualifyArbitrary,
  refineLeadArbitrary,
  write,
} from './testing/histories';

/*
 * Random leads (random fit fields, corrected, some qualified) with notes and completed activities over time,
 * and now and then a new rule set, made by the real deciders (testing/histories) and folded by the real
 * projection runner into a read store, part before it starts and part while it runs. At a random moment
 * (engagement decays), every lead's score and band from the lead list, the list by score, and the score the
 * API computes from the lead's stream (scoreLead) must equal the score computed here straight from the
 * events: Σ points × 0.5^(age / half-life) over the notes and completed activities each engagement rule
 * matches, plus the points of the fit rules the lead's fields match, written out below without the domain's
 * scoring functions.
 */

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------------
// The expected side: leads and the rule set read off the plain list of events.

interface PlainLead {
  readonly id: string;
  source: string;
  campaign: string | null;
  company: string | null;
  phone: string | null;
  interest: string | null;
  tags: readonly string[];
  budget: { amount: number; currency: string } | null;
  /** Notes and completed activities: what, and when (ms). */
  readonly interactions: { kind: 'note' | 'activity'; type: string | null; at: number }[];
}

interface PlainWorld {
  readonly leads: Map<string, PlainLead>;
  rules: ScoringRules;
  version: number;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function readOff(log: readonly RecordedEvent[]): PlainWorld {
  const world: PlainWorld = { leads: new Map(), rules: DEFAULT_SCORING_RULES, version: 1 };
  for (const { type, data, streamId } of log) {
    if (type === 'ScoringRulesDefined') {
      const {
        version,
        definedAt: _definedAt,
        ...rules
      } = data as unknown as ScoringRules & {
        version: number;
        definedAt: string;
      };
      world.rules = rules;
      world.version = version;
      continue;
    }
    if (!streamId.startsWith('lead-')) continue;
    const id = streamId.slice('lead-'.length);
    if (type === 'LeadCaptured') {
      world.leads.set(id, {
        id,
        source: data['source'] as string,
        campaign: text(data['campaign']),
        company: text(data['company']),
        phone: text(data['phone']),
        interest: text(data['interest']),
        tags: (data['tags'] as string[] | undefined) ?? [],
        budget: null,
        interactions: [],
      });
      continue;
    }
    const lead = world.leads.get(id)!;
    switch (type) {
      case 'LeadContactCorrected':
        if (data['field'] === 'company') lead.company = text(data['to']);
        if (data['field'] === 'phone') lead.phone = text(data['to']);
        break;
      case 'LeadInterestChanged':
        lead.interest = text(data['to']);
        break;
      case 'LeadTagsChanged':
        lead.tags = data['to'] as string[];
        break;
      case 'LeadQualified':
        lead.budget = data['budget'] as PlainLead['budget'];
        break;
      case 'LeadNoteAdded':
        lead.interactions.push({ kind: 'note', type: null, at: Date.parse(data['addedAt'] as string) });
        break;
      case 'LeadActivityCompleted':
        lead.interactions.push({
          kind: 'activity',
          type: data['type'] as string,
          at: Date.parse(data['completedAt'] as string),
        });
        break;
    }
  }
  return world;
}

const given = (value: string | null): boolean => value !== null && value !== '';

/** The fit rules' points, each rule matched as the rule set's documentation defines it. */
function expectedFit(rules: ScoringRules, lead: PlainLead): number {
  let fit = 0;
  for (const rule of rules.fit) {
    let matches: boolean;
    if (rule.field === 'tags') {
      matches = rule.equals !== undefined ? lead.tags.includes(rule.equals) : lead.tags.length > 0;
    } else if (rule.field === 'budget') {
      matches =
        lead.budget !== null &&
        (rule.atLeast === undefined ||
          (lead.budget.currency === rule.atLeast.currency && lead.budget.amount >= rule.atLeast.amount));
    } else {
      const value = lead[rule.field];
      matches = rule.equals !== undefined ? value === rule.equals : given(value);
    }
    if (matches) fit += rule.points;
  }
  return fit;
}

/** Every interaction's points for every engagement rule it matches, halved every half-life since. */
function expectedEngagement(rules: ScoringRules, lead: PlainLead, at: number): number {
  let engagement = 0;
  for (const interaction of lead.interactions) {
    for (const rule of rules.engagement) {
      if (rule.on !== interaction.kind) continue;
      if (rule.activityType !== undefined && rule.activityType !== interaction.type) continue;
      engagement += rule.points * 0.5 ** ((at - interaction.at) / (rules.halfLifeDays * DAY));
    }
  }
  return engagement;
}

const expectedBand = (rules: ScoringRules, score: number) =>
  score >= rules.bands.hot ? 'hot' : score >= rules.bands.warm ? 'warm' : 'cold';

interface Expected {
  readonly exact: number;
  readonly score: number;
  readonly fit: number;
  readonly engagement: number;
  readonly band: string;
}

function expectedScore(world: PlainWorld, lead: PlainLead, at: number): Expected {
  const fit = expectedFit(world.rules, lead);
  const engagement = expectedEngagement(world.rules, lead, at);
  const score = Math.round(fit + engagement);
  return { exact: fit + engagement, score, fit, engagement, band: expectedBand(world.rules, score) };
}

/** Whether a sum lies so close to a half that rounding it may go either way in floating point. */
const nearHalf = (exact: number): boolean => Math.abs(exact - Math.floor(exact) - 0.5) < 1e-6;

// ---------------------------------------------------------------------------------------------------------

/** A few leads first, then leads, corrections, qualifications, interactions and rule sets mixed. */
const scoringActions: fc.Arbitrary<Action[]> = fc
  .tuple(
    fc.array(captureArbitrary, { minLength: 1, maxLength: 8 }),
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: captureArbitrary },
        { weight: 2, arbitrary: refineLeadArbitrary },
        { weight: 2, arbitrary: qualifyArbitrary },
        { weight: 10, arbitrary: leadInteractionArbitrary },
        { weight: 1, arbitrary: defineScoringRulesArbitrary },
      ),
      { maxLength: 80 },
    ),
  )
  .map(([captures, rest]) => [...captures, ...rest]);

/** The lead as the API folds its stream, and the rule set in effect, both up to a moment. */
function apiScore(log: readonly RecordedEvent[], leadId: string, at: number) {
  const until = log.filter((e) => Date.parse(e.metadata.occurredAt) <= at);
  const lead = until
    .filter((e) => e.streamId === leadStream(leadId) && isLeadEvent(e))
    .reduce((state, e) => evolveLead(state, e as never), initialLeadState());
  const ruleSet = until
    .filter((e) => e.streamId === SCORING_RULES_STREAM)
    .reduce((state, e) => evolveScoring(state, e as unknown as ScoringEvent), initialScoringState());
  return lead.status === 'none' ? undefined : scoreLead(ruleSet, lead, new Date(at).toISOString());
}

describe('Lead scores', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scores-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('equal an independent computation from the events, with decay at a random moment', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        scoringActions,
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200 * DAY })),
        fc.integer({ min: 0, max: 1000 }),
        async (actions, split, batchSize, later, middle) => {
          const directory = join(dir, `run-${run++}`);
          const eventsDb = openSqliteDatabase(`${directory}-events.sqlite`);
          const readDb = openSqliteDatabase(`${directory}-read.sqlite`);
          const events = new SqliteEventStore(eventsDb);
          try {
            const history = historyOf(actions);
            const half = Math.floor((history.length * split) / 1000);
            await write(events, history.slice(0, half));
            const store = new SqliteReadStore(readDb);
            const runner = new ProjectionRunner(events, store, [leadListProjection], { batchSize });
            await runner.catchUp();
            await write(events, history.slice(half));
            await runner.catchUp();

            const log = await events.readAll({ maxCount: 100_000 });
            const world = readOff(log);
            const lastAt = Date.parse(log[log.length - 1]?.metadata.occurredAt ?? '2026-03-01T00:00:00Z');
            const at = lastAt + later;
            const moment = new Date(at).toISOString();

            // The lead list, as one snapshot answers it.
            await store.snapshot(async (reader) => {
              const ruleSet = await leadListRuleSet(reader);
              // The lead list writes its rule set with its first lead.
              if (world.leads.size > 0) expect(ruleSet.version).toBe(world.version);
              const docs = await reader.find<LeadDoc>(LEADS, {});
              expect(docs.map((d) => d.id).sort()).toEqual([...world.leads.keys()].sort());
              const ranked: { id: string; score: number; fit: number }[] = [];
              for (const doc of docs) {
                const expected = expectedScore(world, world.leads.get(doc.id)!, at);
                const score = scoreAt(ruleSet.rules, doc, moment);
                expect({ id: doc.id, fit: doc.fit }).toEqual({ id: doc.id, fit: expected.fit });
                if (!nearHalf(expected.exact)) {
                  expect({ id: doc.id, score }).toEqual({ id: doc.id, score: expected.score });
                }
                ranked.push({ id: doc.id, score: expected.score, fit: expected.fit });
              }
              if (!docs.some((doc) => nearHalf(expectedScore(world, world.leads.get(doc.id)!, at).exact))) {
                ranked.sort((a, b) => b.score - a.score || b.fit - a.fit || (a.id < b.id ? 1 : -1));
                const listed = await firstOf(
                  leadsByScore(reader, ruleSet.rules, { at: moment, chunk: 3 }),
                  docs.length + 1,
                );
                expect(listed.map((item) => ({ id: item.lead.id, score: item.score }))).toEqual(
                  ranked.map(({ id, score }) => ({ id, score })),
                );
              }
            });

            // The API's score from the lead's stream, now and as of a moment in the middle of the history.
            const firstAt = Date.parse(log[0]?.metadata.occurredAt ?? '2026-03-01T00:00:00Z');
            const then = firstAt + Math.floor(((lastAt - firstAt) * middle) / 1000);
            const worldThen = readOff(log.filter((e) => Date.parse(e.metadata.occurredAt) <= then));
            for (const [when, plain] of [
              [at, world],
              [then, worldThen],
            ] as const) {
              for (const lead of plain.leads.values()) {
                const expected = expectedScore(plain, lead, when);
                const scored = apiScore(log, lead.id, when)!;
                expect(scored.rulesVersion).toBe(plain.version);
                expect(scored.fit).toBe(expected.fit);
                expect(scored.engagement).toBeCloseTo(expected.engagement, 1);
                if (!nearHalf(expected.exact)) {
                  expect({ score: scored.score, band: scored.band }).toEqual({
                    score: expected.score,
                    band: expected.band,
                  });
                }
              }
            }
          } finally {
            await events.close();
            eventsDb.close();
            readDb.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

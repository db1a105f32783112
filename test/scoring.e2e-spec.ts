import { randomUUID } from 'node:crypto';
import { DEFAULT_SCORING_RULES, type ScoringRules } from '@app/domain';
import {
  BUILT_PROJECTOR,
  type ServiceProcess,
  callService,
  startService,
  stopService,
} from './support/service-process';
import {
  type TestApp,
  issueKey,
  lead,
  momentBetween,
  newDataDir,
  problemOf,
  qualification,
  refused,
  removeDataDir,
  useApp,
} from './support/test-app';

/*
 * Lead scoring over HTTP: the default rule set, the score of a lead explained, rule sets defined by an admin,
 * every lead scored again from the log after a new rule set, lists by score, scores as of a past moment with
 * the rules in effect then, and the funnel per band.
 */

interface Answer {
  readonly id: string;
  readonly revision: number;
  readonly position: string;
}

interface LeadItem {
  readonly leadId: string;
  readonly score: number;
  readonly fit: number;
  readonly engagement: number;
  readonly band: string;
  readonly capturedAt: string;
}

const capture = async (t: TestApp, body: Record<string, unknown>): Promise<Answer> =>
  (await t.http().post('/leads').send(body).expect(201)).body as Answer;

const bareLead = (overrides: Record<string, unknown> = {}) => ({
  name: 'Bare Form',
  email: 'form@example.com',
  source: 'web_form',
  ...overrides,
});

const addNote = async (t: TestApp, leadId: string): Promise<Answer> =>
  (await t.http().post(`/leads/${leadId}/notes`).send({ text: 'They called back' }).expect(201))
    .body as Answer;

/** Schedules an activity of this type on the lead and completes it; the completion's answer. */
async function completedActivity(t: TestApp, leadId: string, type: string): Promise<Answer> {
  const scheduled = await t
    .http()
    .post(`/leads/${leadId}/activities`)
    .send({ type, subject: `A ${type}`, dueAt: new Date(Date.now() + 86_400_000).toISOString() })
    .expect(201);
  return (
    await t
      .http()
      .post(`/leads/${leadId}/activities/${scheduled.body.id as string}/complete`)
      .send({ outcome: 'interested' })
      .expect(200)
  ).body as Answer;
}

const scoreOf = async (t: TestApp, leadId: string, query = '') =>
  (await t.http().get(`/leads/${leadId}/score${query}`).expect(200)).body as {
    leadId: string;
    score: number;
    fit: number;
    engagement: number;
    band: string;
    contributions: { rule: string; kind: string; points: number; count?: number }[];
    rulesVersion: number;
    at: string;
  };

const listed = async (t: TestApp, query: string) => {
  const body = (await t.http().get(`/leads?${query}`).expect(200)).body as {
    items: LeadItem[];
    nextCursor: string | null;
  };
  return body;
};

/** Every page of a list, following nextCursor. */
async function allPages(t: TestApp, query: string): Promise<LeadItem[]> {
  const items: LeadItem[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page = await listed(t, cursor === null ? query : `${query}&cursor=${cursor}`);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error('the pages do not end');
}

/** The default rule set with a company worth 40 and tags worth nothing, notes worth 20. */
const COMPANY_FIRST: ScoringRules = {
  ...DEFAULT_SCORING_RULES,
  fit: [
    { rule: 'company', field: 'company', present: true, points: 40 },
    { rule: 'referral', field: 'source', equals: 'referral', points: 5 },
  ],
  engagement: [{ rule: 'note', on: 'note', points: 20 }],
};

describe('Scoring with the default rule set', () => {
  const t = useApp();

  it('has a default rule set at version 1 (revision -1) before any is defined', async () => {
    const response = await t.http().get('/scoring/rules').expect(200);
    expect(response.headers['etag']).toBe('"-1"');
    expect(response.body).toEqual({
      version: 1,
      definedAt: null,
      ...DEFAULT_SCORING_RULES,
      revision: -1,
    });
  });

  it('scores a referral with a company and tags above a bare form fill, and interactions raise a score', async () => {
    const referral = await capture(t, lead({ source: 'referral', tags: ['enterprise'] }));
    const bare = await capture(t, bareLead());
    const referralView = (await t.http().get(`/leads/${referral.id}`).expect(200)).body as LeadItem;
    const bareView = (await t.http().get(`/leads/${bare.id}`).expect(200)).body as LeadItem;
    // referral 25 + company 15 + tagged 10; nothing for a bare web form.
    expect(referralView).toMatchObject({ score: 50, fit: 50, engagement: 0, band: 'hot' });
    expect(bareView).toMatchObject({ score: 0, fit: 0, engagement: 0, band: 'cold' });
    expect(referralView.score).toBeGreaterThan(bareView.score);

    await addNote(t, bare.id);
    expect(await scoreOf(t, bare.id)).toMatchObject({ score: 3, fit: 0, band: 'cold' });
    const called = await completedActivity(t, bare.id, 'call');
    const scored = await scoreOf(t, bare.id);
    expect(scored).toMatchObject({ score: 13, fit: 0, band: 'cold' });
    expect(scored.engagement).toBeCloseTo(13, 1);

    // The lead list shows the same scores once it includes the completion.
    const page = await listed(t, `minPosition=${called.position}&limit=100`);
    const shown = new Map(page.items.map((item) => [item.leadId, item]));
    expect(shown.get(bare.id)).toMatchObject({ score: 13, fit: 0, band: 'cold' });
    expect(shown.get(bare.id)!.engagement).toBeCloseTo(13, 1);
    expect(shown.get(referral.id)).toMatchObject({ score: 50, fit: 50, engagement: 0, band: 'hot' });
  });

  it('explains a score: every rule that contributed and its points', async () => {
    const captured = await capture(t, lead({ source: 'event', phone: '+44 1', tags: ['enterprise'] }));
    await t.http().post(`/leads/${captured.id}/qualify`).send(qualification()).expect(200);
    await addNote(t, captured.id);
    await addNote(t, captured.id);
    await completedActivity(t, captured.id, 'meeting');
    const before = Date.now();
    const score = await scoreOf(t, captured.id);
    expect(score).toEqual({
      leadId: captured.id,
      score: 15 + 15 + 10 + 5 + 20 + 21,
      fit: 65,
      engagement: expect.any(Number),
      band: 'hot',
      contributions: [
        { rule: 'event', kind: 'fit', points: 15 },
        { rule: 'company', kind: 'fit', points: 15 },
        { rule: 'tagged', kind: 'fit', points: 10 },
        { rule: 'phone', kind: 'fit', points: 5 },
        { rule: 'budget', kind: 'fit', points: 20 },
        { rule: 'note', kind: 'engagement', points: 6, count: 2 },
        { rule: 'meeting', kind: 'engagement', points: 15, count: 1 },
      ],
      rulesVersion: 1,
      at: expect.any(String),
    });
    expect(score.engagement).toBeCloseTo(21, 1);
    expect(Date.parse(score.at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('decays engagement with time: a note is worth half as much one half-life later', async () => {
    const captured = await capture(t, bareLead());
    const noted = await addNote(t, captured.id);
    const [event] = (await t.store.readStream(`lead-${captured.id}`)).filter(
      (e) => e.position.toString() === noted.position,
    );
    const halfLifeLater = new Date(Date.parse(event!.metadata.occurredAt) + 30 * 86_400_000).toISOString();
    const later = await scoreOf(t, captured.id, `?asOf=${encodeURIComponent(halfLifeLater)}`);
    expect(later).toMatchObject({ fit: 0, engagement: 1.5, score: 2, at: halfLifeLater });
  });

  it('answers 404 for an unknown lead, and for a lead as of before it was captured', async () => {
    expect(problemOf(await t.http().get(`/leads/${randomUUID()}/score`).expect(404)).code).toBe(
      'LEAD_NOT_FOUND',
    );
    const before = await momentBetween();
    const captured = await capture(t, bareLead());
    const response = await t.http().get(`/leads/${captured.id}/score?asOf=${encodeURIComponent(before)}`);
    expect(response.status).toBe(404);
    expect(problemOf(response).code).toBe('LEAD_NOT_FOUND');
    await t.http().get('/leads/not-a-uuid/score').expect(400);
  });
});

describe('Defining scoring rules', () => {
  const t = useApp();

  it('is for admins only: a sales key is refused and nothing is written', async () => {
    const sales = await issueKey(t, ['sales']);
    const problem = await refused(t, () => t.as(sales.key).put('/scoring/rules').send(COMPANY_FIRST), 403);
    expect(problem.code).toBe('ROLE_REQUIRED');
    // Sales may read the rules and scores.
    await t.as(sales.key).get('/scoring/rules').expect(200);
  });

  it.each<[string, (rules: ScoringRules) => unknown, string, string]>([
    [
      'a fit rule with two matchers',
      (r) => ({ ...r, fit: [{ rule: 'x', field: 'company', present: true, equals: 'acme', points: 1 }] }),
      'INVALID_SCORING_RULES',
      'fit[0]',
    ],
    [
      'a matcher the field does not have',
      (r) => ({ ...r, fit: [{ rule: 'x', field: 'source', present: true, points: 1 }] }),
      'INVALID_SCORING_RULES',
      'fit[0]',
    ],
    [
      'a rule named twice',
      (r) => ({ ...r, engagement: [...r.engagement, { rule: 'note', on: 'note', points: 1 }] }),
      'INVALID_SCORING_RULES',
      'engagement[5].rule',
    ],
    [
      'an activity type on a rule on notes',
      (r) => ({ ...r, engagement: [{ rule: 'n', on: 'note', activityType: 'call', points: 1 }] }),
      'INVALID_SCORING_RULES',
      'engagement[0].activityType',
    ],
    [
      'a source that is not a slug',
      (r) => ({ ...r, fit: [{ rule: 'x', field: 'source', equals: 'Web Form', points: 1 }] }),
      'INVALID_SCORING_RULES',
      'fit[0].equals',
    ],
    [
      'hot not above warm',
      (r) => ({ ...r, bands: { hot: 10, warm: 10 } }),
      'INVALID_SCORING_RULES',
      'bands.hot',
    ],
    [
      'points out of range',
      (r) => ({ ...r, fit: [{ rule: 'x', field: 'company', present: true, points: 5000 }] }),
      'VALIDATION_FAILED',
      'fit.0.points',
    ],
    ['an unknown field', (r) => ({ ...r, decay: 'fast' }), 'VALIDATION_FAILED', 'decay'],
    [
      'an unknown field in a rule',
      (r) => ({ ...r, fit: [{ rule: 'x', field: 'company', present: true, points: 1, weight: 2 }] }),
      'VALIDATION_FAILED',
      'fit.0.weight',
    ],
    ['a missing half-life', ({ halfLifeDays: _, ...r }) => r, 'VALIDATION_FAILED', 'halfLifeDays'],
    [
      'an unknown field name',
      (r) => ({ ...r, fit: [{ rule: 'x', field: 'email', present: true, points: 1 }] }),
      'VALIDATION_FAILED',
      'fit.0.field',
    ],
    [
      'present false',
      (r) => ({ ...r, fit: [{ rule: 'x', field: 'phone', present: false, points: 1 }] }),
      'VALIDATION_FAILED',
      'fit.0.present',
    ],
  ])('refuses %s with 400 naming the field', async (_, change, code, field) => {
    const problem = await refused(
      t,
      () =>
        t
          .http()
          .put('/scoring/rules')
          .send(change(DEFAULT_SCORING_RULES) as object),
      400,
    );
    expect(problem.code).toBe(code);
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('defines a rule set (If-Match "-1" only while the default is in effect); the same again changes nothing', async () => {
    await refused(t, () => t.http().put('/scoring/rules').set('If-Match', '"0"').send(COMPANY_FIRST), 412);
    const defined = await t
      .http()
      .put('/scoring/rules')
      .set('If-Match', '"-1"')
      .send(COMPANY_FIRST)
      .expect(200);
    expect(defined.body).toEqual({ id: 'scoring-rules', revision: 0, position: expect.any(String) });
    expect(defined.headers['etag']).toBe('"0"');

    const rules = await t.http().get('/scoring/rules').expect(200);
    expect(rules.headers['etag']).toBe('"0"');
    expect(rules.body).toEqual({
      version: 2,
      definedAt: expect.any(String),
      ...COMPANY_FIRST,
      revision: 0,
    });

    // The rule set in effect again: nothing written, the same answer.
    const again = await t.http().put('/scoring/rules').send(COMPANY_FIRST).expect(200);
    expect(again.body).toEqual(defined.body);

    // A retry with its Idempotency-Key answers the first answer; the key with another rule set is 422.
    const keyed = { ...COMPANY_FIRST, halfLifeDays: 45 };
    const first = await t
      .http()
      .put('/scoring/rules')
      .set('Idempotency-Key', 'rules-45')
      .send(keyed)
      .expect(200);
    const retried = await t
      .http()
      .put('/scoring/rules')
      .set('Idempotency-Key', 'rules-45')
      .send(keyed)
      .expect(200);
    expect(retried.body).toEqual(first.body);
    expect(first.body).toMatchObject({ revision: 1 });
    await refused(
      t,
      () => t.http().put('/scoring/rules').set('Idempotency-Key', 'rules-45').send(COMPANY_FIRST),
      422,
    );
    await t.http().put('/scoring/rules').send(COMPANY_FIRST).expect(200);
    await refused(
      t,
      () => t.http().put('/scoring/rules').set('If-Match', '"-1"').send(DEFAULT_SCORING_RULES),
      412,
    );
  });
});

describe('Scores after a new rule set, and as of a past moment', () => {
  const t = useApp();

  it('scores every lead again, those captured before included, once the read models include the rule set', async () => {
    const withCompany = await capture(t, lead({ tags: [] }));
    const referral = await capture(t, bareLead({ source: 'referral' }));
    await addNote(t, referral.id);
    const beforeRules = await momentBetween();
    const head = await capture(t, bareLead());
    const old = await listed(t, `minPosition=${head.position}&sort=score`);
    // Defaults: company 15; referral 25 + a note 3.
    expect(old.items.map((item) => [item.leadId, item.score])).toEqual([
      [referral.id, 28],
      [withCompany.id, 15],
      [head.id, 0],
    ]);

    const defined = (await t.http().put('/scoring/rules').send(COMPANY_FIRST).expect(200)).body as Answer;
    const rescored = await listed(t, `minPosition=${defined.position}&sort=score`);
    // New rules: company 40; referral 5 + a note 20.
    expect(rescored.items.map((item) => [item.leadId, item.score, item.band])).toEqual([
      [withCompany.id, 40, 'warm'],
      [referral.id, 25, 'warm'],
      [head.id, 0, 'cold'],
    ]);
    // Nothing is hot any more: a band filter reads the same rescored list.
    expect((await listed(t, `minPosition=${defined.position}&band=hot`)).items).toEqual([]);
    expect((await t.http().get(`/leads/${withCompany.id}`).expect(200)).body).toMatchObject({ score: 40 });

    // As of before the rule change: the rule set and the scores of then.
    const asOf = `?asOf=${encodeURIComponent(beforeRules)}`;
    expect((await t.http().get(`/scoring/rules${asOf}`).expect(200)).body).toMatchObject({
      version: 1,
      revision: -1,
    });
    expect(await scoreOf(t, referral.id, asOf)).toMatchObject({ score: 28, fit: 25, rulesVersion: 1 });
    expect(await scoreOf(t, referral.id)).toMatchObject({ score: 25, fit: 5, rulesVersion: 2 });
    expect((await t.http().get(`/leads/${withCompany.id}${asOf}`).expect(200)).body).toMatchObject({
      score: 15,
      band: 'cold',
    });
  });
});

describe('The scored lead list', () => {
  const t = useApp();
  const ids: Record<string, string> = {};
  let position = '0';

  beforeAll(async () => {
    // Tagged "ranked" (10 points each): fits 50, 35, 25, 25, 10, 10 under the default rules; one with notes.
    const leads: [string, Record<string, unknown>][] = [
      ['hot', lead({ source: 'referral', tags: ['ranked'] })],
      ['eventCompany', bareLead({ source: 'event', company: 'Globex', tags: ['ranked'] })],
      ['event', bareLead({ source: 'event', tags: ['ranked'] })],
      ['company', bareLead({ company: 'Initech', tags: ['ranked'] })],
      ['plain', bareLead({ tags: ['ranked'] })],
      ['noted', bareLead({ tags: ['ranked'] })],
      ['twin', bareLead({ tags: ['ranked'] })],
    ];
    for (const [name, body] of leads) {
      const answer = await capture(t, body);
      ids[name] = answer.id;
      position = answer.position;
    }
    position = (await addNote(t, ids['noted']!)).position;
    // An untagged lead the filter leaves out.
    await capture(t, lead({ source: 'referral', tags: [] }));
  });

  /** The expected order by score: score descending, then fit, then id (the leads of equal scores here have equal fits). */
  const byScore = (scores: Record<string, number>) =>
    Object.entries(scores)
      .map(([name, score]) => ({ leadId: ids[name]!, score }))
      .sort((a, b) => b.score - a.score || (a.leadId < b.leadId ? 1 : -1));

  const SCORES = { hot: 50, eventCompany: 40, event: 25, company: 25, plain: 10, noted: 13, twin: 10 };

  it('orders by score (equal scores by fit, then id, descending) and pages with a cursor', async () => {
    const expected = byScore(SCORES);
    const query = `tag=ranked&sort=score&minPosition=${position}`;
    const one = await listed(t, query);
    expect(one.items.map(({ leadId, score }) => ({ leadId, score }))).toEqual(expected);
    for (const limit of [1, 2, 3]) {
      const pages = await allPages(t, `${query}&limit=${limit}`);
      expect(pages.map(({ leadId, score }) => ({ leadId, score }))).toEqual(expected);
    }
    expect(one.items.find((item) => item.leadId === ids['hot'])).toMatchObject({ band: 'hot' });
  });

  it('filters by minScore and by band, by score or newest first, with the other filters', async () => {
    const query = `tag=ranked&minPosition=${position}`;
    const names = (items: LeadItem[]) =>
      items.map((item) => Object.keys(ids).find((name) => ids[name] === item.leadId));
    expect(names((await listed(t, `${query}&sort=score&minScore=25`)).items)).toEqual(
      names(byScore({ hot: 50, eventCompany: 40, event: 25, company: 25 }) as unknown as LeadItem[]),
    );
    expect(names((await listed(t, `${query}&sort=score&band=warm`)).items)).toEqual(
      names(byScore({ eventCompany: 40, event: 25, company: 25 }) as unknown as LeadItem[]),
    );
    expect(names((await listed(t, `${query}&sort=score&band=hot`)).items)).toEqual(['hot']);
    expect(names((await listed(t, `${query}&sort=score&band=cold&minScore=11`)).items)).toEqual(['noted']);

    // Newest first (the default order), only the band's leads, page by page.
    const newest = await allPages(t, `${query}&band=cold&limit=2`);
    expect(names(newest)).toEqual(['twin', 'noted', 'plain']);
    expect(names(await allPages(t, `${query}&minScore=40&limit=1`))).toEqual(['eventCompany', 'hot']);
    // With another filter: the referral without the tag is left out, one with it is not.
    expect(names((await listed(t, `${query}&source=referral&minScore=1`)).items)).toEqual(['hot']);
  });

  it('refuses a bad band, minScore, sort or cursor with 400 naming the parameter', async () => {
    for (const [parameter, value] of [
      ['band', 'lukewarm'],
      ['minScore', 'high'],
      ['minScore', '1.5'],
      ['sort', 'fit'],
      ['cursor', 'bm90LWEtY3Vyc29y'],
    ] as const) {
      const response = await t.http().get(`/leads?sort=score&${parameter}=${value}`);
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: parameter })]),
      );
    }
    // A cursor of a list in another order is not one of this list.
    const byScorePage = await listed(t, `tag=ranked&sort=score&limit=1&minPosition=${position}`);
    const response = await t.http().get(`/leads?tag=ranked&minScore=0&cursor=${byScorePage.nextCursor!}`);
    expect(response.status).toBe(400);
    await t.http().get(`/leads?tag=ranked&cursor=${byScorePage.nextCursor!}`).expect(400);
  });

  it('reports the funnel per band at the moment, and as of a past moment with the rules of then', async () => {
    const report = (await t.http().get(`/analytics/funnel?groupBy=band&minPosition=${position}`).expect(200))
      .body as {
      position: string;
      at: string;
      rulesVersion: number;
      bands: { band: string; captured: number; qualified: number; rates: { qualification: number | null } }[];
    };
    // 50 hot; 40, 25, 25 and the untagged referral's 40 warm; 13, 10, 10 cold.
    expect(report.rulesVersion).toBe(1);
    expect(report.bands.map((b) => [b.band, b.captured])).toEqual([
      ['hot', 1],
      ['warm', 4],
      ['cold', 3],
    ]);
    expect(report.bands[0]!.rates.qualification).toBe(0);
    const bySource = (
      await t.http().get(`/analytics/funnel?groupBy=band&source=event&minPosition=${position}`).expect(200)
    ).body as { bands: { band: string; captured: number }[] };
    expect(bySource.bands.map((b) => [b.band, b.captured])).toEqual([
      ['hot', 0],
      ['warm', 2],
      ['cold', 0],
    ]);

    const before = await momentBetween();
    const defined = (await t.http().put('/scoring/rules').send(COMPANY_FIRST).expect(200)).body as Answer;
    const now = (
      await t.http().get(`/analytics/funnel?groupBy=band&minPosition=${defined.position}`).expect(200)
    ).body as typeof report;
    expect(now.rulesVersion).toBe(2);
    // Company 40 (and referral 5): four warm; the noted lead 20, the others 0: four cold.
    expect(now.bands.map((b) => [b.band, b.captured])).toEqual([
      ['hot', 0],
      ['warm', 4],
      ['cold', 4],
    ]);
    const then = (
      await t
        .http()
        .get(`/analytics/funnel?groupBy=band&asOf=${encodeURIComponent(before)}`)
        .expect(200)
    ).body as typeof report;
    expect(then).toMatchObject({ rulesVersion: 1, at: before });
    // A period selects leads by capture time, as the report per source does; groupBy takes band only.
    const future = (await t.http().get(`/analytics/funnel?groupBy=band&from=2100-01-01`).expect(200))
      .body as typeof report;
    expect(future.bands.map((b) => b.captured)).toEqual([0, 0, 0]);
    const wrong = await t.http().get('/analytics/funnel?groupBy=source');
    expect(wrong.status).toBe(400);
    expect(problemOf(wrong).errors).toEqual([expect.objectContaining({ field: 'groupBy' })]);
    expect(then.bands.map((b) => [b.band, b.captured])).toEqual(
      report.bands.map((b) => [b.band, b.captured]),
    );
  });
});

describe('A new rule set on the built service: projections on its worker thread, then in a projector process', () => {
  const dataDir = newDataDir();
  const env = { DATA_DIR: dataDir, POLL_INTERVAL_MS: '50', READ_WAIT_MS: '15000' };
  const running: ServiceProcess[] = [];
  const start = async (...args: Parameters<typeof startService>) => {
    const service = await startService(...args);
    running.push(service);
    return service;
  };
  afterAll(async () => {
    for (const service of running) await stopService(service);
    removeDataDir(dataDir);
  });

  it('scores every lead again, whichever process runs the projections, also after a change while none ran', async () => {
    let api = await start(env);
    expect(api.output()).toContain('projections and the automation run on a worker thread');
    const captured = await callService(api, 'POST', '/leads', lead({ tags: [] }));
    const scores = async (position: unknown) =>
      (
        (await callService(api, 'GET', `/leads?sort=score&minPosition=${String(position)}`)) as {
          items: LeadItem[];
        }
      ).items.map((item) => [item.leadId, item.score]);
    expect(await scores(captured['position'])).toEqual([[captured['id'], 15]]);
    const defined = await callService(api, 'PUT', '/scoring/rules', COMPANY_FIRST);
    expect(await scores(defined['position'])).toEqual([[captured['id'], 40]]);
    await stopService(api);

    // An API without projections takes a rule set while no projector runs; the projector starts after it.
    api = await start({ ...env, RUN_PROJECTIONS: 'false' });
    const redefined = await callService(api, 'PUT', '/scoring/rules', {
      ...COMPANY_FIRST,
      fit: [{ rule: 'company', field: 'company', present: true, points: 70 }],
    });
    await start(env, BUILT_PROJECTOR, /following the event log()/);
    expect(await scores(redefined['position'])).toEqual([[captured['id'], 70]]);
    // Health tells the version the projector built the lead list with: the one of rule set version 3.
    const health = (await (await fetch(`${api.url}/health`)).json()) as {
      info: { readModels: { projections: { name: string; version: number }[] } };
    };
    expect(health.info.readModels.projections.find((p) => p.name === 'lead-list')?.version).toBe(3_000_003);
  });
});

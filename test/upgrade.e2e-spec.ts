import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { newDataDir, removeDataDir, startApp, type TestApp } from './support/test-app';

/**
 * A data directory written by the version before pipelines and the deal lifecycle existed (made by
 * test/fixtures/upgrade-v1/make-fixture.ts), and every answer that version gave about it. Today's service
 * starts on a copy, rebuilds the projections whose version changed, and gives the same answers: the same
 * fields with the same values, new fields added beside them.
 */
const FIXTURE = join(__dirname, 'fixtures', 'upgrade-v1');

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly etag?: string;
}

interface Recorded {
  readonly leads: Record<string, string>;
  readonly deals: Record<string, string>;
  readonly head: string;
  readonly requests: {
    readonly method: string;
    readonly path: string;
    readonly body: object;
    readonly headers: Record<string, string>;
    readonly answer: unknown;
  }[];
  readonly answers: Record<string, Answer>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const recorded = require(join(FIXTURE, 'answers.json')) as Recorded;

describe('Upgrading a data directory written by the previous version', () => {
  let t: TestApp;
  beforeAll(async () => {
    const dataDir = newDataDir();
    cpSync(join(FIXTURE, 'data'), dataDir, { recursive: true });
    t = await startApp(dataDir, { AUTO_CREATE_DEALS: 'true' });
    // The projections whose version changed are rebuilt from the log at start; wait until they include it all.
    await t.http().get(`/deals?minPosition=${recorded.head}`).expect(200);
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  const paths = Object.keys(recorded.answers).filter((path) => !path.startsWith('/events'));

  /**
   * What the first start of this version adds to the log: the admin key it issues (ApiKeyIssued, in a stream
   * of its own). Answers that count the whole log count it too.
   */
  const ADDED_AT_START = { streams: 1, events: 1 };

  it.each(paths)('GET %s answers as before', async (path) => {
    const before = recorded.answers[path]!;
    const now = await t.http().get(path);
    expect(now.status).toBe(before.status);
    if (before.status >= 400) {
      expect(now.body).toMatchObject({ code: (before.body as { code: string }).code });
      return;
    }
    const expected = { ...(before.body as Record<string, unknown>) };
    if (typeof expected['position'] === 'string' && !path.includes('asOf=')) {
      // Reports of now include the log as it is: the admin key's issue is after what they were made of.
      expect(BigInt(now.body.position)).toBe(BigInt(expected['position']) + BigInt(ADDED_AT_START.events));
      delete expected['position'];
    }
    if (path === '/audit/verify') {
      expected['streams'] = (expected['streams'] as number) + ADDED_AT_START.streams;
      expected['events'] = (expected['events'] as number) + ADDED_AT_START.events;
    }
    expect(now.body).toMatchObject(expected);
    if (before.etag) expect(now.headers['etag']).toBe(before.etag);
  });

  it('serves the stored events to services exactly as before (old schema versions included)', async () => {
    const page = await t
      .http()
      .get('/events?after=0&limit=1000')
      .set('Accept', 'application/json')
      .expect(200);
    const before = recorded.answers['/events?after=0&limit=1000']!.body as { events: unknown[] };
    // Every event as it was served, then the admin key this version issued at its first start.
    expect(page.body.events.slice(0, before.events.length)).toEqual(before.events);
    expect(page.body.events.slice(before.events.length).map((e: { type: string }) => e.type)).toEqual([
      'ApiKeyIssued',
    ]);
    const created = (page.body.events as { type: string; metadata: { schemaVersion: number } }[]).filter(
      (e) => e.type === 'DealCreated',
    );
    expect(created.length).toBeGreaterThan(0);
    created.forEach((e) => expect(e.metadata.schemaVersion).toBe(1));
  });

  it('reads old deals in the current schema: they are in the default pipeline, with its probabilities', async () => {
    const margaret = (await t.http().get(`/deals/${recorded.deals['Margaret']}`).expect(200)).body;
    expect(margaret).toMatchObject({ pipelineId: 'default', probability: 10, probabilityOverride: null });
    const list = await t.http().get('/deals?pipelineId=default').expect(200);
    expect(list.body.items).toHaveLength(Object.keys(recorded.deals).length);
    const pipelines = await t.http().get('/pipelines').expect(200);
    expect(pipelines.body.items.map((p: { pipelineId: string }) => p.pipelineId)).toEqual(['default']);
  });

  it('answers a retried idempotent request of the old version with its first answer', async () => {
    const head = await t.store.headPosition();
    for (const request of recorded.requests) {
      let call = t.http().post(request.path);
      for (const [name, value] of Object.entries(request.headers)) call = call.set(name, value);
      const retry = await call.send(request.body);
      // The same lead, revision and position; a capture's answer now also names possible duplicates.
      expect(retry.body).toEqual({
        ...(request.answer as object),
        ...(request.path === '/leads' ? { possibleDuplicates: expect.any(Array) } : {}),
      });
    }
    expect(await t.store.headPosition()).toBe(head);
  });

  it('takes the new commands on old deals, and the chain still verifies', async () => {
    const grace = recorded.deals['Grace']!;
    const reopened = await t
      .http()
      .post(`/deals/${grace}/reopen`)
      .send({ reason: 'they came back' })
      .expect(200);
    await t.http().patch(`/deals/${grace}`).send({ probability: 45 }).expect(200);
    await t.http().post(`/deals/${grace}/move`).send({ stage: 'demo', reason: 'new team' }).expect(200);
    const deal = (await t.http().get(`/deals/${grace}`).expect(200)).body;
    expect(deal).toMatchObject({ status: 'open', stage: 'demo', probability: 45, lostReason: null });
    const history = (await t.http().get(`/deals/${grace}/history`).expect(200)).body;
    expect(history.events.map((e: { type: string }) => e.type)).toEqual([
      'DealCreated',
      'StageAdvanced',
      'DealLost',
      'DealReopened',
      'DealProbabilityOverrideChanged',
      'StageReverted',
    ]);
    expect(history.integrity).toEqual({ verified: true, brokenAt: null });
    const report = await t
      .http()
      .get(`/analytics/pipeline?minPosition=${BigInt(reopened.body.position) + 2n}`);
    expect(report.body.lost).toMatchObject({ deals: 1, values: [{ currency: 'JPY', total: 5_000_000 }] });
    expect((await t.http().get('/audit/verify').expect(200)).body.verified).toBe(true);
  });
});

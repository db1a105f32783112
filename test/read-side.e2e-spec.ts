import { randomUUID } from 'node:crypto';
import { lead, problemOf, removeDataDir, startApp, type TestApp, momentBetween } from './support/test-app';

describe('Read side: reports, lists, as-of and read-your-writes', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  let phaseOneEnd: string;
  let last = '0';

  const capture = async (name: string, source: string, tags: string[] = []) => {
    const response = await t.http().post('/leads').send(lead({ name, source, tags })).expect(201);
    ids[name] = response.body.id as string;
    last = response.body.position as string;
  };
  const qualify = async (name: string, amount: number, currency: string) => {
    const response = await t
      .http()
      .post(`/leads/${ids[name]}/qualify`)
      .send({ budget: { amount, currency }, timeline: '2026-12-31' })
      .expect(200);
    last = response.body.position as string;
  };
  const deal = async (name: string, amount: number, currency: string, ...steps: string[]) => {
    const created = await t
      .http()
      .post('/deals')
      .send({
        leadId: ids[name],
        title: `Deal ${name}`,
        value: { amount, currency },
        expectedCloseDate: '2026-12-31',
        owner: `owner-${name}`,
      })
      .expect(201);
    const dealId = created.body.id as string;
    ids[`deal ${name}`] = dealId;
    last = created.body.position as string;
    for (const step of steps) {
      const response =
        step === 'won'
          ? await t.http().post(`/deals/${dealId}/win`).send({}).expect(200)
          : step === 'lost'
            ? await t.http().post(`/deals/${dealId}/lose`).send({ reason: 'price' }).expect(200)
            : await t.http().post(`/deals/${dealId}/advance`).send({ stage: step }).expect(200);
      last = response.body.position as string;
    }
  };

  beforeAll(async () => {
    t = await startApp(undefined, { READ_WAIT_MS: '300' });
    // Phase one: leads come in and are qualified or disqualified.
    await capture('A', 'web_form', ['hot']);
    await capture('B', 'web_form');
    await capture('C', 'referral', ['hot']);
    await capture('D', 'referral');
    await capture('E', 'web_form');
    await capture('F', 'referral');
    await capture('G', 'web_form', ['hot', 'enterprise']);
    await qualify('A', 100_000, 'EUR');
    await qualify('B', 50_000, 'USD');
    await qualify('C', 30_000, 'EUR');
    await qualify('F', 70_000, 'EUR');
    await qualify('G', 12_345, 'JPY');
    await t.http().post(`/leads/${ids['D']}/disqualify`).send({ reason: 'spam' }).expect(200);
    phaseOneEnd = await momentBetween();
    // Phase two: deals are created and worked.
    await deal('A', 100_000, 'EUR', 'proposal', 'won');
    await deal('B', 50_000, 'USD');
    await deal('C', 30_000, 'EUR', 'demo', 'lost');
    await deal('F', 70_000, 'EUR', 'negotiation');
    await deal('G', 12_345, 'JPY', 'demo');
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('pipeline value by stage, number by number', async () => {
    const report = await t.http().get(`/analytics/pipeline?minPosition=${last}`).expect(200);
    expect(report.body).toEqual({
      position: last,
      pipelineId: 'default',
      name: 'Default pipeline',
      stages: [
        {
          stage: 'qualification',
          name: 'Qualification',
          retired: false,
          probability: 10,
          openDeals: 1,
          rottingDeals: 0,
          values: [{ currency: 'USD', total: 50_000, weighted: 5_000 }],
        },
        {
          stage: 'demo',
          name: 'Demo',
          retired: false,
          probability: 30,
          openDeals: 1,
          rottingDeals: 0,
          values: [{ currency: 'JPY', total: 12_345, weighted: 3_704 }],
        },
        {
          stage: 'proposal',
          name: 'Proposal',
          retired: false,
          probability: 60,
          openDeals: 0,
          rottingDeals: 0,
          values: [],
        },
        {
          stage: 'negotiation',
          name: 'Negotiation',
          retired: false,
          probability: 80,
          openDeals: 1,
          rottingDeals: 0,
          values: [{ currency: 'EUR', total: 70_000, weighted: 56_000 }],
        },
      ],
      won: { deals: 1, values: [{ currency: 'EUR', total: 100_000 }] },
      lost: { deals: 1, values: [{ currency: 'EUR', total: 30_000 }] },
    });
  });

  it('lead-source funnel, number by number', async () => {
    const report = await t.http().get(`/analytics/funnel?minPosition=${last}`).expect(200);
    expect(report.body).toEqual({
      position: last,
      sources: [
        {
          source: 'referral',
          captured: 3,
          qualified: 2,
          disqualified: 1,
          dealsCreated: 2,
          won: 0,
          lost: 1,
          wonValues: [],
          rates: { qualification: 2 / 3, leadToDeal: 2 / 3, win: 0, leadToWon: 0 },
        },
        {
          source: 'web_form',
          captured: 4,
          qualified: 3,
          disqualified: 0,
          dealsCreated: 3,
          won: 1,
          lost: 0,
          wonValues: [{ currency: 'EUR', total: 100_000 }],
          rates: { qualification: 0.75, leadToDeal: 0.75, win: 1, leadToWon: 0.25 },
        },
      ],
    });
    const referral = await t.http().get('/analytics/funnel?source=referral').expect(200);
    expect(referral.body.sources.map((s: { source: string }) => s.source)).toEqual(['referral']);
    const nothing = await t
      .http()
      .get(`/analytics/funnel?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
      .expect(200);
    expect(nothing.body.sources).toEqual([]);
  });

  it('as of a moment between the two phases: qualified leads, no deals yet', async () => {
    const pipeline = await t
      .http()
      .get(`/analytics/pipeline?asOf=${encodeURIComponent(phaseOneEnd)}`)
      .expect(200);
    expect(pipeline.body.stages.map((s: { openDeals: number }) => s.openDeals)).toEqual([0, 0, 0, 0]);
    expect(pipeline.body.won).toEqual({ deals: 0, values: [] });
    expect(BigInt(pipeline.body.position)).toBeLessThan(BigInt(last));

    const funnel = await t
      .http()
      .get(`/analytics/funnel?asOf=${encodeURIComponent(phaseOneEnd)}`)
      .expect(200);
    expect(funnel.body.sources).toEqual([
      expect.objectContaining({
        source: 'referral',
        captured: 3,
        qualified: 2,
        disqualified: 1,
        dealsCreated: 0,
        lost: 0,
      }),
      expect.objectContaining({
        source: 'web_form',
        captured: 4,
        qualified: 3,
        dealsCreated: 0,
        won: 0,
        rates: expect.objectContaining({ win: null }),
      }),
    ]);
    // As of now, the same as the live report.
    const now = await t
      .http()
      .get(`/analytics/funnel?asOf=${encodeURIComponent(new Date().toISOString())}`)
      .expect(200);
    expect(now.body).toEqual((await t.http().get('/analytics/funnel')).body);
  });

  it('read-your-writes: a query with minPosition sees the command that returned it', async () => {
    const leadId = randomUUID();
    const captured = await t
      .http()
      .post('/leads')
      .send(lead({ leadId, source: 'paid_ads' }))
      .expect(201);
    const page = await t
      .http()
      .get(`/leads?source=paid_ads&minPosition=${captured.body.position}`)
      .expect(200);
    expect(page.body.items.map((l: { leadId: string }) => l.leadId)).toEqual([leadId]);
    const viaHeader = await t
      .http()
      .get('/analytics/funnel?source=paid_ads')
      .set('X-Min-Position', captured.body.position)
      .expect(200);
    expect(viaHeader.body.sources[0].captured).toBe(1);
  });

  it('503 with Retry-After when the read models do not reach minPosition in time', async () => {
    const response = await t.http().get('/analytics/pipeline?minPosition=999999999');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(problemOf(response).code).toBe('MIN_POSITION_NOT_REACHED');
  });

  it('lists leads newest first, filtered, in pages', async () => {
    const all = await t.http().get(`/leads?source=web_form&minPosition=${last}`).expect(200);
    expect(all.body.items.map((l: { name: string }) => l.name)).toEqual(['G', 'E', 'B', 'A']);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items[0]).toMatchObject({
      leadId: ids['G'],
      status: 'qualified',
      tags: ['hot', 'enterprise'],
      revision: 1,
    });

    const first = await t.http().get('/leads?source=web_form&limit=3').expect(200);
    expect(first.body.items.map((l: { name: string }) => l.name)).toEqual(['G', 'E', 'B']);
    const second = await t
      .http()
      .get(`/leads?source=web_form&limit=3&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.items.map((l: { name: string }) => l.name)).toEqual(['A']);
    expect(second.body.nextCursor).toBeNull();

    const hot = await t.http().get('/leads?tag=hot').expect(200);
    expect(hot.body.items.map((l: { name: string }) => l.name)).toEqual(['G', 'C', 'A']);
    const disqualified = await t.http().get('/leads?status=disqualified').expect(200);
    expect(disqualified.body.items.map((l: { name: string }) => l.name)).toEqual(['D']);
  });

  it('lists deals newest first, by status, stage, owner and lead', async () => {
    const open = await t.http().get(`/deals?status=open&minPosition=${last}`).expect(200);
    expect(open.body.items.map((d: { title: string }) => d.title)).toEqual(['Deal G', 'Deal F', 'Deal B']);
    const demo = await t.http().get('/deals?stage=demo').expect(200);
    expect(demo.body.items.map((d: { title: string }) => d.title)).toEqual(['Deal G', 'Deal C']);
    const owner = await t.http().get('/deals?owner=owner-A').expect(200);
    expect(owner.body.items).toEqual([
      expect.objectContaining({ dealId: ids['deal A'], status: 'won', stage: 'proposal', revision: 2 }),
    ]);
    const byLead = await t.http().get(`/deals?leadId=${ids['C']}`).expect(200);
    expect(byLead.body.items).toEqual([expect.objectContaining({ status: 'lost', lostReason: 'price' })]);
  });

  it.each([
    ['/leads?colour=red', 'colour'],
    ['/leads?limit=0', 'limit'],
    ['/leads?limit=101', 'limit'],
    ['/leads?limit=ten', 'limit'],
    ['/leads?status=won', 'status'],
    ['/leads?cursor=not-a-cursor', 'cursor'],
    ['/deals?stage=Closing', 'stage'],
    ['/deals?pipelineId=a%20b', 'pipelineId'],
    ['/deals?leadId=42', 'leadId'],
    ['/analytics/pipeline?asOf=yesterday', 'asOf'],
    ['/analytics/funnel?asOf=2026-13-45', 'asOf'],
    ['/analytics/funnel?from=2026-05-01&to=2026-04-01', 'to'],
    ['/analytics/funnel?region=emea', 'region'],
    ['/analytics/stages?from=2026-02-30', 'from'],
    ['/analytics/losses?to=2026-01-01T24:00Z', 'to'],
    ['/analytics/forecast?groupBy=stage', 'groupBy'],
    ['/analytics/pipeline?minPosition=-1', 'minPosition'],
    ['/analytics/pipeline?asOf=2026-01-01&asOf=2026-02-01', 'asOf'],
  ])('400 for %s', async (url, field) => {
    const response = await t.http().get(url);
    expect(response.status).toBe(400);
    expect(problemOf(response).errors!.map((e) => e.field)).toContain(field);
  });
});

describe('The lead-to-deal automation', () => {
  /** The deals of a lead once the read models include `position` and what the automation did about it. */
  const dealsOf = async (t: TestApp, leadId: string, position: string) =>
    (await t.http().get(`/deals?leadId=${leadId}&minPosition=${position}`).expect(200)).body.items as {
      dealId: string;
    }[];
  const dealsCreatedFor = async (t: TestApp, leadId: string) =>
    (await t.store.readAll({ maxCount: 1_000_000 })).filter(
      (e) => e.type === 'DealCreated' && e.data['leadId'] === leadId,
    );
  /** Waits until the automation has handled every event in the log (a query at the head waits for it). */
  const settled = async (t: TestApp) => {
    const head = await t.store.headPosition();
    await t.http().get(`/deals?minPosition=${head}`).expect(200);
    const health = await t.http().get('/health').expect(200);
    expect(health.body.info.readModels.automation).toMatchObject({ checkpoint: head.toString() });
    return head;
  };

  it('read-your-writes: the position a qualification returns shows the deal the automation makes for it', async () => {
    const t = await startApp(undefined, { AUTO_CREATE_DEALS: 'true' });
    try {
      for (let i = 0; i < 5; i++) {
        const leadId = (
          await t
            .http()
            .post('/leads')
            .send(lead({ name: `L${i}` }))
            .expect(201)
        ).body.id as string;
        const qualified = await t
          .http()
          .post(`/leads/${leadId}/qualify`)
          .send({ budget: { amount: 1000 + i, currency: 'EUR' }, timeline: '2026-08-31' })
          .expect(200);
        // One query, no polling: the answer waits for the automation and then for the deal's projection.
        const [deal] = await dealsOf(t, leadId, qualified.body.position as string);
        expect(deal).toMatchObject({
          leadId,
          value: { amount: 1000 + i, currency: 'EUR' },
          pipelineId: 'default',
        });
      }
    } finally {
      await t.close();
      removeDataDir(t.dataDir);
    }
  });

  it('creates exactly one deal when a lead is qualified, also across a restart and when a person was first', async () => {
    let t = await startApp(undefined, { AUTO_CREATE_DEALS: 'true' });
    const dataDir = t.dataDir;
    try {
      const leadId = (
        await t
          .http()
          .post('/leads')
          .send(lead({ name: 'Ada', company: 'AEL' }))
          .expect(201)
      ).body.id as string;
      const qualified = await t
        .http()
        .post(`/leads/${leadId}/qualify`)
        .set('X-Correlation-Id', 'qualify-ada')
        .send({ budget: { amount: 420_000, currency: 'GBP' }, timeline: '2026-08-31' })
        .expect(200);
      const [deal] = await dealsOf(t, leadId, qualified.body.position as string);
      const created = await t.http().get(`/deals/${deal!.dealId}`).expect(200);
      expect(created.body).toMatchObject({
        leadId,
        title: 'AEL: Ada',
        value: { amount: 420_000, currency: 'GBP' },
        expectedCloseDate: '2026-08-31',
        stage: 'qualification',
        status: 'open',
      });
      const [event] = await dealsCreatedFor(t, leadId);
      expect(event!.metadata).toMatchObject({ actor: 'automation', correlationId: 'qualify-ada' });

      // A person racing the automation: one deal either way, and no error for the automation.
      const raced = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
      const racedQualified = await t
        .http()
        .post(`/leads/${raced}/qualify`)
        .send({ budget: { amount: 1, currency: 'EUR' }, timeline: '2026-08-31' });
      const manual = await t
        .http()
        .post('/deals')
        .send({
          leadId: raced,
          title: 'Mine',
          value: { amount: 1, currency: 'EUR' },
          expectedCloseDate: '2026-08-31',
        });
      expect([201, 409]).toContain(manual.status);
      expect(await dealsOf(t, raced, racedQualified.body.position as string)).toHaveLength(1);

      await t.close();
      t = await startApp(dataDir, { AUTO_CREATE_DEALS: 'true' });
      // After the restart the automation has nothing left to do: once it has handled the whole log, the log
      // has not grown and each lead still has one deal.
      const head = await t.store.headPosition();
      expect(await settled(t)).toBe(head);
      expect(await t.store.headPosition()).toBe(head);
      expect(await dealsCreatedFor(t, leadId)).toHaveLength(1);
      expect(await dealsCreatedFor(t, raced)).toHaveLength(1);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });

  it('replayed from the start (checkpoint lost), it still creates no second deal', async () => {
    let t = await startApp(undefined, { AUTO_CREATE_DEALS: 'true' });
    const dataDir = t.dataDir;
    try {
      const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
      const qualified = await t
        .http()
        .post(`/leads/${leadId}/qualify`)
        .send({ budget: { amount: 5, currency: 'EUR' }, timeline: '2026-08-31' });
      expect(await dealsOf(t, leadId, qualified.body.position as string)).toHaveLength(1);
      await t.close();
      // Forget every read model and checkpoint: the automation replays the whole log.
      const { rmSync } = await import('node:fs');
      const { join } = await import('node:path');
      for (const file of ['read-models.sqlite', 'read-models.sqlite-wal', 'read-models.sqlite-shm']) {
        rmSync(join(dataDir, file), { force: true });
      }
      t = await startApp(dataDir, { AUTO_CREATE_DEALS: 'true' });
      const head = await t.store.headPosition();
      expect(await settled(t)).toBe(head);
      expect(await dealsCreatedFor(t, leadId)).toHaveLength(1);
      expect(await t.store.headPosition()).toBe(head);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });

  it('is off with AUTO_CREATE_DEALS=false', async () => {
    const t = await startApp(undefined, { AUTO_CREATE_DEALS: 'false' });
    try {
      const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
      const qualified = await t
        .http()
        .post(`/leads/${leadId}/qualify`)
        .send({ budget: { amount: 5, currency: 'EUR' }, timeline: '2026-08-31' })
        .expect(200);
      // No automation runs at all (health lists none), and the read models, caught up, show no deal.
      const health = await t.http().get('/health').expect(200);
      expect(health.body.info.readModels.automation).toBeUndefined();
      expect(await dealsOf(t, leadId, qualified.body.position as string)).toEqual([]);
      expect(await dealsCreatedFor(t, leadId)).toHaveLength(0);
    } finally {
      await t.close();
      removeDataDir(t.dataDir);
    }
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { BUILT_API } from './support/service-process';
import {
  type IssuedTestKey,
  issueKey,
  lead,
  qualification,
  removeDataDir,
  startApp,
  type TestApp,
  useApp,
  momentBetween,
} from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const AUDIT_VERIFY = join(BUILT_API, '..', 'audit-verify.js');

/** The sales keys of ada and grace, issued once per app: who acts is the key. */
const salesKeys = new WeakMap<object, { ada: IssuedTestKey; grace: IssuedTestKey }>();
async function salesOf(t: TestApp) {
  let keys = salesKeys.get(t.app);
  if (!keys) {
    keys = {
      ada: await issueKey(t, ['sales'], { name: 'ada' }),
      grace: await issueKey(t, ['sales'], { name: 'grace' }),
    };
    salesKeys.set(t.app, keys);
  }
  return { ada: t.as(keys.ada.key), grace: t.as(keys.grace.key) };
}

async function dealThroughPipeline(t: TestApp, times: string[] = []) {
  const { ada, grace } = await salesOf(t);
  const leadId = (await ada.post('/leads').set('X-Correlation-Id', 'web-42').send(lead()).expect(201)).body
    .id as string;
  await ada.post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
  const dealId = (
    await grace
      .post('/deals')
      .send({
        leadId,
        title: 'Audited',
        value: { amount: 900, currency: 'EUR' },
        expectedCloseDate: '2026-12-31',
      })
      .expect(201)
  ).body.id as string;
  times.push(await momentBetween());
  await grace.post(`/deals/${dealId}/advance`).send({ stage: 'proposal' }).expect(200);
  times.push(await momentBetween());
  await grace
    .post(`/deals/${dealId}/win`)
    .set('X-Correlation-Id', 'close-7')
    .send({ note: 'signed' })
    .expect(200);
  return { leadId, dealId };
}

describe('Auditors: history, as-of and tamper evidence', () => {
  const t = useApp();

  it("replays a deal's history: every event with its metadata and the state after it", async () => {
    const { leadId, dealId } = await dealThroughPipeline(t);
    const history = (await t.http().get(`/deals/${dealId}/history`).expect(200)).body;
    expect(history.dealId).toBe(dealId);
    expect(history.integrity).toEqual({ verified: true, brokenAt: null });
    expect(history.events.map((e: { type: string }) => e.type)).toEqual([
      'DealCreated',
      'StageAdvanced',
      'DealWon',
    ]);
    expect(history.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2]);
    const positions = history.events.map((e: { position: string }) => BigInt(e.position));
    expect(positions[0] < positions[1] && positions[1] < positions[2]).toBe(true);
    expect(history.events[1]).toMatchObject({
      data: { dealId, from: 'qualification', to: 'proposal' },
      metadata: {
        actor: 'grace',
        actorKeyId: expect.any(String),
        correlationId: expect.any(String),
        causationId: expect.any(String),
        schemaVersion: 1,
        occurredAt: expect.any(String),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect(history.events[2].metadata.correlationId).toBe('close-7');
    expect(
      history.events.map((e: { stateAfter: { stage: string; status: string; revision: number } }) => [
        e.stateAfter.stage,
        e.stateAfter.status,
        e.stateAfter.revision,
      ]),
    ).toEqual([
      ['qualification', 'open', 0],
      ['proposal', 'open', 1],
      ['proposal', 'won', 2],
    ]);
    // The last state after is the current state.
    expect(history.events[2].stateAfter).toEqual((await t.http().get(`/deals/${dealId}`)).body);

    const leadHistory = (await t.http().get(`/leads/${leadId}/history`).expect(200)).body;
    expect(
      leadHistory.events.map((e: { type: string; metadata: { actor: string; correlationId: string } }) => [
        e.type,
        e.metadata.actor,
      ]),
    ).toEqual([
      ['LeadCaptured', 'ada'],
      ['LeadQualified', 'ada'],
    ]);
    expect(leadHistory.events[0].metadata.correlationId).toBe('web-42');
    expect(leadHistory.events[1].stateAfter.status).toBe('qualified');
  });

  it('answers a deal and a lead as they were at a past moment, and 404 before they existed', async () => {
    const before = new Date().toISOString();
    await sleep(3);
    const times: string[] = [];
    const { leadId, dealId } = await dealThroughPipeline(t, times);
    const atCreation = (
      await t
        .http()
        .get(`/deals/${dealId}?asOf=${encodeURIComponent(times[0]!)}`)
        .expect(200)
    ).body;
    expect(atCreation).toMatchObject({ stage: 'qualification', status: 'open', revision: 0 });
    const atProposal = (
      await t
        .http()
        .get(`/deals/${dealId}?asOf=${encodeURIComponent(times[1]!)}`)
        .expect(200)
    ).body;
    expect(atProposal).toMatchObject({ stage: 'proposal', status: 'open', revision: 1, closedAt: null });
    const notYet = await t.http().get(`/deals/${dealId}?asOf=${encodeURIComponent(before)}`);
    expect(notYet.status).toBe(404);
    expect(notYet.body.detail).toMatch(/did not exist yet/);
    expect(
      (
        await t
          .http()
          .get(`/leads/${leadId}?asOf=${encodeURIComponent(times[0]!)}`)
          .expect(200)
      ).body.status,
    ).toBe('qualified');
    await t
      .http()
      .get(`/leads/${leadId}?asOf=${encodeURIComponent(before)}`)
      .expect(404);
    await t.http().get(`/leads/${leadId}?asOf=last-week`).expect(400);
  });

  it('404 for the history of a stream that does not exist, 400 for a bad stream name', async () => {
    await t.http().get('/deals/0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e/history').expect(404);
    await t.http().get('/audit/verify?stream=orders-1').expect(400);
  });
});

describe('Tamper evidence in the stored log', () => {
  it('finds every altered, removed or reordered event, and only those streams', async () => {
    let t = await startApp();
    const dataDir = t.dataDir;
    try {
      const streams: Record<string, { leadId: string; dealId: string }> = {};
      for (const name of ['altered', 'removed', 'reordered', 'truncated', 'untouched']) {
        streams[name] = await dealThroughPipeline(t);
      }
      // Ten lead and deal streams, and the three keys that acted (the admin, ada and grace): one issue each.
      expect((await t.http().get('/audit/verify').expect(200)).body).toEqual({
        streams: 13,
        events: 28,
        verified: true,
        broken: [],
        missingPositions: [],
      });
      await t.close();

      const db = new Database(join(dataDir, 'events.sqlite'));
      const deal = (name: string) => `deal-${streams[name]!.dealId}`;
      db.prepare(
        "UPDATE events SET data = json_set(data, '$.to', 'negotiation') WHERE stream_id = ? AND revision = 1",
      ).run(deal('altered'));
      db.prepare('DELETE FROM events WHERE stream_id = ? AND revision = 1').run(deal('removed'));
      const reorder = db.transaction((streamId: string) => {
        db.prepare('UPDATE events SET revision = -1 WHERE stream_id = ? AND revision = 1').run(streamId);
        db.prepare('UPDATE events SET revision = 1 WHERE stream_id = ? AND revision = 2').run(streamId);
        db.prepare('UPDATE events SET revision = 2 WHERE stream_id = ? AND revision = -1').run(streamId);
      });
      reorder(deal('reordered'));
      db.prepare('DELETE FROM events WHERE stream_id = ? AND revision = 2').run(deal('truncated'));
      db.close();

      t = await startApp(dataDir);
      const report = (await t.http().get('/audit/verify').expect(200)).body;
      expect(report.verified).toBe(false);
      expect(report.broken).toEqual(
        [
          { streamId: deal('altered'), revision: 1 },
          { streamId: deal('removed'), revision: 1 },
          { streamId: deal('reordered'), revision: 1 },
        ].sort((a, b) => (a.streamId < b.streamId ? -1 : 1)),
      );
      // Removing a stream's last event leaves its chain whole, but not the gapless log.
      expect(report.missingPositions).toHaveLength(2);

      expect(
        (
          await t
            .http()
            .get(`/audit/verify?stream=${deal('untouched')}`)
            .expect(200)
        ).body,
      ).toMatchObject({
        streams: 1,
        events: 3,
        verified: true,
        broken: [],
      });
      expect(
        (await t.http().get(`/audit/verify?stream=lead-${streams['altered']!.leadId}`)).body.verified,
      ).toBe(true);
      const history = (await t.http().get(`/deals/${streams['altered']!.dealId}/history`).expect(200)).body;
      expect(history.integrity).toEqual({ verified: false, brokenAt: 1 });

      // The same from the command line, against the data directory.
      await t.close();
      const run = promisify(execFile)(process.execPath, [AUDIT_VERIFY], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      await expect(run).rejects.toMatchObject({ code: 3 });
      const single = await promisify(execFile)(process.execPath, [AUDIT_VERIFY, deal('untouched')], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      expect(JSON.parse(single.stdout)).toMatchObject({ verified: true, events: 3 });
      t = await startApp(dataDir);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });
});

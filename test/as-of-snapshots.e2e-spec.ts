import { AsOfSnapshots, SnapshotKeeper } from '@app/read-models';
import { type TestApp, lead, momentBetween, newDataDir, removeDataDir, startApp } from './support/test-app';

/**
 * As-of reports are answered from snapshots of the read models once the keeper has cut them: a service that
 * has none yet (it folds the whole log) and the same service once it has cut many (one every 3 events) give
 * the same answers, for moments between every step of a history, and still after more events arrive.
 */
describe('As-of reports from snapshots', () => {
  const dataDir = newDataDir();
  let t: TestApp | undefined;
  const moments: string[] = [];
  let dealIds: string[] = [];

  afterAll(async () => {
    await t?.close();
    removeDataDir(dataDir);
  });

  const app = (): TestApp => t!;
  const ok = async (response: PromiseLike<{ status: number; body: unknown }>) => {
    const answer = await response;
    expect(answer.status).toBeLessThan(300);
    moments.push(await momentBetween());
    return answer.body as { id?: string; position?: string };
  };

  /** Pipelines, leads and deals through their lives, with a moment noted after every command. */
  async function history(): Promise<void> {
    moments.push(await momentBetween());
    await ok(
      app()
        .http()
        .post('/pipelines')
        .send({
          pipelineId: 'enterprise',
          name: 'Enterprise',
          stages: [
            { stage: 'discovery', probability: 10 },
            { stage: 'legal', probability: 70 },
          ],
        }),
    );
    const sources = ['web_form', 'referral', 'event', 'referral'];
    dealIds = [];
    for (const [i, source] of sources.entries()) {
      const { id: leadId } = await ok(
        app()
          .http()
          .post('/leads')
          .send(lead({ name: `Lead ${i}`, email: `lead${i}@example.com`, source })),
      );
      await ok(
        app()
          .http()
          .post(`/leads/${leadId}/qualify`)
          .send({ budget: { amount: 1000 * (i + 1), currency: 'EUR' }, timeline: '2030-06-30' }),
      );
      const { id: dealId } = await ok(
        app()
          .http()
          .post('/deals')
          .send({
            leadId,
            title: `Deal ${i}`,
            value: { amount: 1000 * (i + 1), currency: i % 2 ? 'USD' : 'EUR' },
            expectedCloseDate: '2030-06-30',
            owner: i % 2 ? 'grace' : 'ada',
            ...(i === 3 ? { pipelineId: 'enterprise' } : {}),
          }),
      );
      dealIds.push(dealId!);
    }
    await ok(app().http().post(`/deals/${dealIds[0]}/move`).send({ stage: 'proposal' }));
    await ok(app().http().post(`/deals/${dealIds[0]}/win`).send({ note: 'signed' }));
    await ok(app().http().post(`/deals/${dealIds[1]}/move`).send({ stage: 'demo' }));
    await ok(app().http().post(`/deals/${dealIds[1]}/lose`).send({ reason: 'price', competitor: 'Acme' }));
    await ok(app().http().post(`/deals/${dealIds[1]}/reopen`).send({ reason: 'back' }));
    await ok(app().http().patch('/pipelines/enterprise/stages/legal').send({ probability: 80 }));
    await ok(app().http().post(`/deals/${dealIds[3]}/move`).send({ stage: 'legal' }));
    await ok(app().http().post(`/deals/${dealIds[2]}/lose`).send({ reason: 'timing' }));
  }

  /** Every as-of report and list, at every moment noted. */
  async function asOfAnswers(): Promise<Record<string, unknown>> {
    const answers: Record<string, unknown> = {};
    for (const moment of moments) {
      const asOf = `asOf=${encodeURIComponent(moment)}`;
      for (const path of [
        `/analytics/pipeline?${asOf}`,
        `/analytics/pipeline?pipelineId=enterprise&groupBy=owner&${asOf}`,
        `/analytics/funnel?${asOf}`,
        `/analytics/funnel?source=referral&${asOf}`,
        `/analytics/stages?${asOf}`,
        `/analytics/forecast?${asOf}`,
        `/analytics/losses?${asOf}`,
        `/deals?${asOf}`,
      ]) {
        const response = await app().http().get(path);
        answers[path] = { status: response.status, body: response.body as unknown };
      }
    }
    return answers;
  }

  it('answers as of every moment exactly as the fold of the whole log did, once snapshots are cut', async () => {
    // First without snapshots: the keeper cuts one every million events.
    t = await startApp(dataDir, { AS_OF_SNAPSHOT_EVERY: '1000000' });
    await history();
    expect(await app().app.get(AsOfSnapshots).lastCut('pipeline')).toBeUndefined();
    const folded = await asOfAnswers();
    // Every answer is a report, but the enterprise pipeline's before it was defined (404).
    const refused = Object.entries(folded).filter(([, a]) => (a as { status: number }).status !== 200);
    expect(refused.map(([path, a]) => [path.split('&asOf')[0], (a as { status: number }).status])).toEqual([
      ['/analytics/pipeline?pipelineId=enterprise&groupBy=owner', 404],
    ]);
    await app().close();

    // The same data directory with a snapshot every 3 events: the keeper cuts them as it catches up.
    t = await startApp(dataDir, { AS_OF_SNAPSHOT_EVERY: '3' });
    const head = await app().store.headPosition();
    expect(
      await app()
        .app.get(SnapshotKeeper)
        .waitForCut(head - 2n, 10_000),
    ).toBe(true);
    expect((await app().app.get(AsOfSnapshots).lastCut('pipeline'))?.snapshot).toBeGreaterThan(5);
    expect(await asOfAnswers()).toEqual(folded);

    // More events after the last snapshot change none of the past moments.
    await app().http().post(`/deals/${dealIds[3]}/win`).send({}).expect(200);
    await app()
      .http()
      .post('/leads')
      .send(lead({ name: 'Late', email: 'late@example.com' }))
      .expect(201);
    expect(await asOfAnswers()).toEqual(folded);
  });
});

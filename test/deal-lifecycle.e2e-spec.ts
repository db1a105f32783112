import { randomUUID } from 'node:crypto';
import {
  issueKey,
  dealFor,
  qualifiedLead,
  type TestApp,
  useApp,
  retireStage,
  refused,
  momentBetween,
} from './support/test-app';

const retire = async (t: TestApp, pipelineId: string, stage: string): Promise<void> => {
  await retireStage(t, pipelineId, stage);
};

/** Defines a pipeline of these stages (slug and probability). */
async function pipeline(t: TestApp, pipelineId: string, stages: [string, number][]) {
  await t
    .http()
    .post('/pipelines')
    .send({
      pipelineId,
      name: pipelineId,
      stages: stages.map(([stage, probability]) => ({ stage, probability })),
    })
    .expect(201);
}

/** A deal for a new qualified lead, created over HTTP with these fields; its id. */
async function newDeal(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  const leadId = await qualifiedLead(t);
  return (await t.http().post('/deals').send(dealFor(leadId, fields)).expect(201)).body.id as string;
}

/** The events of a deal's stream after `from` (a revision), as type and data. */
async function dealEvents(t: TestApp, dealId: string, from = -1) {
  return (await t.store.readStream(`deal-${dealId}`))
    .filter((e) => e.revision > from)
    .map((e) => ({ type: e.type, data: e.data }));
}

const view = async (t: TestApp, dealId: string) => (await t.http().get(`/deals/${dealId}`).expect(200)).body;

describe('The life of a deal: pipelines, moves, patches, reopening', () => {
  const t = useApp();

  beforeAll(async () => {
    await pipeline(t, 'enterprise', [
      ['discovery', 10],
      ['solution', 40],
      ['legal', 70],
    ]);
    await pipeline(t, 'legacy', [
      ['old', 20],
      ['current', 50],
      ['final', 90],
    ]);
    await retire(t, 'legacy', 'old');
  });

  describe('creation', () => {
    it("in the default pipeline's first stage, or in the pipeline and stage given", async () => {
      const plain = await newDeal(t);
      expect(await view(t, plain)).toMatchObject({
        pipelineId: 'default',
        stage: 'qualification',
        status: 'open',
        probability: 10,
        probabilityOverride: null,
        reopenedAt: null,
      });

      const leadId = await qualifiedLead(t);
      const created = await t
        .http()
        .post('/deals')
        .send(dealFor(leadId, { pipelineId: 'enterprise', stage: 'legal', owner: 'ada' }))
        .expect(201);
      const dealId = created.body.id as string;
      const got = await t.http().get(`/deals/${dealId}`).expect(200);
      expect(got.headers['etag']).toBe('"0"');
      expect(got.body).toEqual({
        dealId,
        leadId,
        pipelineId: 'enterprise',
        title: 'Deal',
        value: { amount: 1000, currency: 'EUR' },
        stage: 'legal',
        status: 'open',
        probability: 70,
        probabilityOverride: null,
        expectedCloseDate: '2026-12-31',
        owner: 'ada',
        createdAt: expect.any(String),
        closedAt: null,
        lostReason: null,
        competitor: null,
        reopenedAt: null,
        lastActivityAt: null,
        nextActivity: null,
        rottingSince: null,
        revision: 0,
      });
      const [event] = await t.store.readStream(`deal-${dealId}`);
      expect(event!.type).toBe('DealCreated');
      expect(event!.data).toMatchObject({ pipelineId: 'enterprise', stage: 'legal' });

      // Without a stage: the pipeline's first active stage (a retired first stage is skipped).
      expect(await view(t, await newDeal(t, { pipelineId: 'enterprise' }))).toMatchObject({
        pipelineId: 'enterprise',
        stage: 'discovery',
        probability: 10,
      });
      expect(await view(t, await newDeal(t, { pipelineId: 'legacy' }))).toMatchObject({
        pipelineId: 'legacy',
        stage: 'current',
        probability: 50,
      });
    });

    it('refused in an unknown pipeline (404), an unknown stage (400), a retired stage (409); the lead keeps its chance', async () => {
      const leadId = await qualifiedLead(t);
      const unknownPipeline = await refused(
        t,
        () =>
          t
            .http()
            .post('/deals')
            .send(dealFor(leadId, { pipelineId: 'nowhere' })),
        404,
      );
      expect(unknownPipeline.code).toBe('PIPELINE_NOT_FOUND');
      const unknownStage = await refused(
        t,
        () =>
          t
            .http()
            .post('/deals')
            .send(dealFor(leadId, { pipelineId: 'enterprise', stage: 'demo' })),
        400,
      );
      expect(unknownStage.code).toBe('UNKNOWN_STAGE');
      expect(unknownStage.errors!.map((e) => e.field)).toEqual(['stage']);
      const retired = await refused(
        t,
        () =>
          t
            .http()
            .post('/deals')
            .send(dealFor(leadId, { pipelineId: 'legacy', stage: 'old' })),
        409,
      );
      expect(retired.code).toBe('STAGE_RETIRED');
      for (const [fields, field] of [
        [{ pipelineId: 'Enterprise Deals' }, 'pipelineId'],
        [{ pipelineId: null }, 'pipelineId'],
        [{ stage: 'Legal' }, 'stage'],
        [{ stage: null }, 'stage'],
      ] as const) {
        const problem = await refused(t, () => t.http().post('/deals').send(dealFor(leadId, fields)), 400);
        expect(problem.errors!.map((e) => e.field)).toEqual([field]);
      }
      await t
        .http()
        .post('/deals')
        .send(dealFor(leadId, { pipelineId: 'legacy', stage: 'final' }))
        .expect(201);
    });
  });

  describe('moving between stages', () => {
    it('forward records StageAdvanced, backward StageReverted with the reason; the probability follows the stage', async () => {
      const dealId = await newDeal(t, { pipelineId: 'enterprise' });
      const forward = await t.http().post(`/deals/${dealId}/move`).send({ stage: 'legal' }).expect(200);
      expect(forward.body).toEqual({ id: dealId, revision: 1, position: expect.any(String) });
      expect(forward.headers['etag']).toBe('"1"');
      expect(await view(t, dealId)).toMatchObject({ stage: 'legal', probability: 70, revision: 1 });
      const back = await t
        .http()
        .post(`/deals/${dealId}/move`)
        .send({ stage: 'discovery', reason: 'the buyer changed' })
        .expect(200);
      expect(back.body).toMatchObject({ revision: 2 });
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'solution' }).expect(200);
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'discovery' }).expect(200);
      expect(await view(t, dealId)).toMatchObject({ stage: 'discovery', probability: 10, revision: 4 });

      const changed = { dealId, advancedAt: expect.any(String) };
      expect(await dealEvents(t, dealId, 0)).toEqual([
        { type: 'StageAdvanced', data: { ...changed, from: 'discovery', to: 'legal' } },
        {
          type: 'StageReverted',
          data: {
            dealId,
            from: 'legal',
            to: 'discovery',
            reason: 'the buyer changed',
            revertedAt: expect.any(String),
          },
        },
        { type: 'StageAdvanced', data: { ...changed, from: 'discovery', to: 'solution' } },
        // A reason is optional: without one, the event has none.
        {
          type: 'StageReverted',
          data: { dealId, from: 'solution', to: 'discovery', revertedAt: expect.any(String) },
        },
      ]);
    });

    it('forward and backward follow the order the pipeline has now', async () => {
      await pipeline(t, 'ordered', [
        ['a', 10],
        ['b', 20],
        ['c', 30],
      ]);
      const dealId = await newDeal(t, { pipelineId: 'ordered', stage: 'b' });
      await t
        .http()
        .put('/pipelines/ordered/stage-order')
        .send({ stages: ['a', 'c', 'b'] })
        .expect(200);
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'c' }).expect(200);
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'b' }).expect(200);
      expect((await dealEvents(t, dealId, 0)).map((e) => [e.type, e.data['from'], e.data['to']])).toEqual([
        ['StageReverted', 'b', 'c'],
        ['StageAdvanced', 'c', 'b'],
      ]);
      const advance = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/advance`).send({ stage: 'c' }),
        409,
      );
      expect(advance.code).toBe('STAGE_NOT_FORWARD');
    });

    it('a deal in a retired stage may move out of it, never back in', async () => {
      await pipeline(t, 'sunset', [
        ['early', 10],
        ['late', 50],
        ['end', 90],
      ]);
      const dealId = await newDeal(t, { pipelineId: 'sunset', stage: 'late' });
      await retire(t, 'sunset', 'late');
      // Still shown in it, with the retired stage's probability.
      expect(await view(t, dealId)).toMatchObject({ stage: 'late', probability: 50 });
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'early', reason: 'restart' }).expect(200);
      for (const path of ['move', 'advance']) {
        const problem = await refused(
          t,
          () => t.http().post(`/deals/${dealId}/${path}`).send({ stage: 'late' }),
          409,
        );
        expect(problem.code).toBe('STAGE_RETIRED');
      }
      await t.http().post(`/deals/${dealId}/advance`).send({ stage: 'end' }).expect(200);
      expect(await view(t, dealId)).toMatchObject({ stage: 'end', probability: 90 });
    });

    it('refuses SAME_STAGE (409), an unknown stage (400), a closed deal (409), an unknown deal (404) and bad bodies', async () => {
      const dealId = await newDeal(t);
      expect(
        (await refused(t, () => t.http().post(`/deals/${dealId}/move`).send({ stage: 'qualification' }), 409))
          .code,
      ).toBe('SAME_STAGE');
      const unknown = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/move`).send({ stage: 'discovery' }),
        400,
      );
      expect(unknown.code).toBe('UNKNOWN_STAGE');
      expect(unknown.errors!.map((e) => e.field)).toEqual(['stage']);
      for (const [body, field] of [
        [{}, 'stage'],
        [{ stage: null }, 'stage'],
        [{ stage: 'Demo' }, 'stage'],
        [{ stage: 'demo', reason: '   ' }, 'reason'],
        [{ stage: 'demo', reason: null }, 'reason'],
        [{ stage: 'demo', reason: 'x'.repeat(501) }, 'reason'],
        [{ stage: 'demo', pipelineId: 'default' }, 'pipelineId'],
      ] as const) {
        const problem = await refused(t, () => t.http().post(`/deals/${dealId}/move`).send(body), 400);
        expect(problem.errors!.map((e) => e.field)).toEqual([field]);
      }
      expect(
        (await refused(t, () => t.http().post(`/deals/${randomUUID()}/move`).send({ stage: 'demo' }), 404))
          .code,
      ).toBe('DEAL_NOT_FOUND');
      await refused(t, () => t.http().post('/deals/42/move').send({ stage: 'demo' }), 400);
      await t.http().post(`/deals/${dealId}/win`).send({}).expect(200);
      expect(
        (await refused(t, () => t.http().post(`/deals/${dealId}/move`).send({ stage: 'demo' }), 409)).code,
      ).toBe('DEAL_ALREADY_CLOSED');
    });

    it('/advance stays forward-only: STAGE_NOT_FORWARD back or in place, UNKNOWN_STAGE outside the pipeline', async () => {
      const dealId = await newDeal(t, { pipelineId: 'enterprise', stage: 'solution' });
      for (const stage of ['discovery', 'solution']) {
        const problem = await refused(
          t,
          () => t.http().post(`/deals/${dealId}/advance`).send({ stage }),
          409,
        );
        expect(problem.code).toBe('STAGE_NOT_FORWARD');
      }
      const unknown = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/advance`).send({ stage: 'negotiation' }),
        400,
      );
      expect(unknown.code).toBe('UNKNOWN_STAGE');
      await t.http().post(`/deals/${dealId}/advance`).send({ stage: 'legal' }).expect(200);
      expect(await dealEvents(t, dealId, 0)).toEqual([
        {
          type: 'StageAdvanced',
          data: { dealId, from: 'solution', to: 'legal', advancedAt: expect.any(String) },
        },
      ]);
    });
  });

  describe('PATCH /deals/{dealId}', () => {
    let dealId: string;
    beforeAll(async () => {
      dealId = await newDeal(t, { owner: 'ada', title: 'Deal' });
    });

    it('writes one event per changed field, with from and to, in one append', async () => {
      const grace = await issueKey(t, ['sales'], { name: 'grace.sales' });
      const patched = await t
        .as(grace.key)
        .patch(`/deals/${dealId}`)
        .set('X-Correlation-Id', 'renegotiation-1')
        .send({
          title: 'Big deal',
          value: { amount: 2_500, currency: 'USD' },
          expectedCloseDate: '2027-01-31',
          owner: 'grace',
          probability: 45,
        })
        .expect(200);
      expect(patched.body).toEqual({ id: dealId, revision: 5, position: expect.any(String) });
      expect(patched.headers['etag']).toBe('"5"');

      const stored = (await t.store.readStream(`deal-${dealId}`)).slice(1);
      const change = { dealId, changedAt: expect.any(String) };
      expect(stored.map((e) => ({ revision: e.revision, type: e.type, data: e.data }))).toEqual([
        {
          revision: 1,
          type: 'DealTitleChanged',
          data: { ...change, leadId: expect.any(String), from: 'Deal', to: 'Big deal' },
        },
        {
          revision: 2,
          type: 'DealValueChanged',
          data: {
            ...change,
            from: { amount: 1000, currency: 'EUR' },
            to: { amount: 2_500, currency: 'USD' },
          },
        },
        {
          revision: 3,
          type: 'DealExpectedCloseDateChanged',
          data: { ...change, from: '2026-12-31', to: '2027-01-31' },
        },
        { revision: 4, type: 'DealOwnerChanged', data: { ...change, from: 'ada', to: 'grace' } },
        { revision: 5, type: 'DealProbabilityOverrideChanged', data: { ...change, from: null, to: 45 } },
      ]);
      // One command, one atomic append: consecutive positions, the same causation, the answer's position last.
      const last = BigInt(patched.body.position);
      expect(stored.map((e) => e.position)).toEqual([last - 4n, last - 3n, last - 2n, last - 1n, last]);
      expect(new Set(stored.map((e) => e.metadata.causationId)).size).toBe(1);
      stored.forEach((e) =>
        expect(e.metadata).toMatchObject({ actor: 'grace.sales', correlationId: 'renegotiation-1' }),
      );

      expect(await view(t, dealId)).toMatchObject({
        title: 'Big deal',
        value: { amount: 2_500, currency: 'USD' },
        expectedCloseDate: '2027-01-31',
        owner: 'grace',
        stage: 'qualification',
        probability: 45,
        probabilityOverride: 45,
        revision: 5,
      });
    });

    it('only the fields that change: null clears the owner and the probability override', async () => {
      const cleared = await t
        .http()
        .patch(`/deals/${dealId}`)
        .send({
          title: 'Big deal',
          value: { amount: 2_500, currency: 'USD' },
          owner: null,
          probability: null,
        })
        .expect(200);
      expect(cleared.body).toMatchObject({ revision: 7 });
      const change = { dealId, changedAt: expect.any(String) };
      expect(await dealEvents(t, dealId, 5)).toEqual([
        { type: 'DealOwnerChanged', data: { ...change, from: 'grace', to: null } },
        { type: 'DealProbabilityOverrideChanged', data: { ...change, from: 45, to: null } },
      ]);
      // Back to the stage's probability.
      expect(await view(t, dealId)).toMatchObject({
        owner: null,
        probability: 10,
        probabilityOverride: null,
      });
      const zero = await t.http().patch(`/deals/${dealId}`).send({ probability: 0 }).expect(200);
      expect(zero.body).toMatchObject({ revision: 8 });
      expect(await view(t, dealId)).toMatchObject({ probability: 0, probabilityOverride: 0 });
    });

    it('a PATCH that changes nothing writes nothing and answers the current revision', async () => {
      const current = await t.http().get(`/deals/${dealId}`).expect(200);
      const [last] = await t.store.readStream(`deal-${dealId}`, { direction: 'backwards', maxCount: 1 });
      const head = await t.store.headPosition();
      for (const body of [
        {},
        { title: 'Big deal', owner: null, probability: 0, expectedCloseDate: '2027-01-31' },
      ]) {
        const same = await t.http().patch(`/deals/${dealId}`).send(body).expect(200);
        expect(same.body).toEqual({
          id: dealId,
          revision: current.body.revision,
          position: last!.position.toString(),
        });
        expect(same.headers['etag']).toBe(`"${current.body.revision}"`);
      }
      expect(await t.store.headPosition()).toBe(head);
    });

    it('If-Match: 412 when the deal moved on, even for a PATCH that would change nothing; 200 at the revision read', async () => {
      const { revision } = (await t.http().get(`/deals/${dealId}`).expect(200)).body as { revision: number };
      for (const body of [{ title: 'Stale' }, { title: 'Big deal' }]) {
        const problem = await refused(
          t,
          () =>
            t
              .http()
              .patch(`/deals/${dealId}`)
              .set('If-Match', `"${revision - 1}"`)
              .send(body),
          412,
        );
        expect(problem.code).toBe('REVISION_MISMATCH');
      }
      const fresh = await t
        .http()
        .patch(`/deals/${dealId}`)
        .set('If-Match', `"${revision}"`)
        .send({ title: 'Fresh' })
        .expect(200);
      expect(fresh.body).toMatchObject({ revision: revision + 1 });
      // The same If-Match again is now stale.
      await refused(
        t,
        () => t.http().patch(`/deals/${dealId}`).set('If-Match', `"${revision}"`).send({ title: 'Again' }),
        412,
      );
    });

    it('an Idempotency-Key retry returns the first answer and writes nothing', async () => {
      const key = randomUUID();
      const first = await t
        .http()
        .patch(`/deals/${dealId}`)
        .set('Idempotency-Key', key)
        .send({ title: 'Keyed', owner: 'ada' })
        .expect(200);
      const head = await t.store.headPosition();
      const retry = await t
        .http()
        .patch(`/deals/${dealId}`)
        .set('Idempotency-Key', key)
        .send({ title: 'Keyed', owner: 'ada' })
        .expect(200);
      expect(retry.body).toEqual(first.body);
      expect(await t.store.headPosition()).toBe(head);
      const reused = await refused(
        t,
        () => t.http().patch(`/deals/${dealId}`).set('Idempotency-Key', key).send({ title: 'Other' }),
        422,
      );
      expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it.each([
      ['a null title', { title: null }, 'title'],
      ['a blank title', { title: ' ' }, 'title'],
      ['a null value', { value: null }, 'value'],
      ['a value without currency', { value: { amount: 5 } }, 'value.currency'],
      ['a negative amount', { value: { amount: -5, currency: 'EUR' } }, 'value.amount'],
      ['a currency that is not ISO 4217', { value: { amount: 5, currency: 'EURO' } }, 'value.currency'],
      ['a null expected close date', { expectedCloseDate: null }, 'expectedCloseDate'],
      ['a date not on the calendar', { expectedCloseDate: '2027-02-30' }, 'expectedCloseDate'],
      ['a blank owner', { owner: '' }, 'owner'],
      ['a probability above 100', { probability: 101 }, 'probability'],
      ['a negative probability', { probability: -1 }, 'probability'],
      ['a fractional probability', { probability: 33.3 }, 'probability'],
      ['a probability as text', { probability: '45' }, 'probability'],
      ['a stage (moves have their own route)', { stage: 'demo' }, 'stage'],
      ['a pipeline', { pipelineId: 'enterprise' }, 'pipelineId'],
      ['an unknown field', { colour: 'red' }, 'colour'],
    ])('400 for a PATCH with %s', async (_, body, field) => {
      const problem = await refused(t, () => t.http().patch(`/deals/${dealId}`).send(body), 400);
      expect(problem.errors!.map((e) => e.field)).toEqual([field]);
    });

    it('404 for an unknown deal, 400 for a bad id, 409 DEAL_ALREADY_CLOSED for a closed deal', async () => {
      expect(
        (await refused(t, () => t.http().patch(`/deals/${randomUUID()}`).send({ title: 'x' }), 404)).code,
      ).toBe('DEAL_NOT_FOUND');
      expect(
        (await refused(t, () => t.http().patch('/deals/not-a-uuid').send({ title: 'x' }), 400)).errors,
      ).toEqual([{ field: 'dealId', reason: 'must be a UUID' }]);
      const closed = await newDeal(t);
      await t.http().post(`/deals/${closed}/lose`).send({ reason: 'price' }).expect(200);
      for (const body of [{ title: 'x' }, { probability: 50 }, { owner: null }]) {
        const problem = await refused(t, () => t.http().patch(`/deals/${closed}`).send(body), 409);
        expect(problem.code).toBe('DEAL_ALREADY_CLOSED');
      }
    });
  });

  describe('reopening a closed deal', () => {
    it('a won deal reopens in the stage it was won in, and can be worked and closed again', async () => {
      const dealId = await newDeal(t, { pipelineId: 'enterprise' });
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'legal' }).expect(200);
      await t.http().post(`/deals/${dealId}/win`).send({ note: 'signed' }).expect(200);
      const reopened = await t
        .http()
        .post(`/deals/${dealId}/reopen`)
        .send({ reason: 'the contract fell through' })
        .expect(200);
      expect(reopened.body).toEqual({ id: dealId, revision: 3, position: expect.any(String) });
      expect(reopened.headers['etag']).toBe('"3"');
      const [event] = await dealEvents(t, dealId, 2);
      expect(event).toEqual({
        type: 'DealReopened',
        data: {
          dealId,
          reason: 'the contract fell through',
          from: 'won',
          stage: 'legal',
          reopenedAt: expect.any(String),
        },
      });
      expect(await view(t, dealId)).toMatchObject({
        status: 'open',
        stage: 'legal',
        pipelineId: 'enterprise',
        probability: 70,
        closedAt: null,
        reopenedAt: event!.data['reopenedAt'],
        revision: 3,
      });
      await t
        .http()
        .post(`/deals/${dealId}/move`)
        .send({ stage: 'solution', reason: 'rescoped' })
        .expect(200);
      await t.http().post(`/deals/${dealId}/lose`).send({ reason: 'budget', competitor: 'Acme' }).expect(200);
      expect(await view(t, dealId)).toMatchObject({
        status: 'lost',
        stage: 'solution',
        lostReason: 'budget',
      });
    });

    it('a lost deal reopens without its loss', async () => {
      const dealId = await newDeal(t);
      await t.http().post(`/deals/${dealId}/lose`).send({ reason: 'price', competitor: 'Acme' }).expect(200);
      await t.http().post(`/deals/${dealId}/reopen`).send({ reason: 'Acme could not deliver' }).expect(200);
      expect((await dealEvents(t, dealId, 1))[0]!.data).toMatchObject({
        from: 'lost',
        stage: 'qualification',
      });
      expect(await view(t, dealId)).toMatchObject({
        status: 'open',
        stage: 'qualification',
        closedAt: null,
        lostReason: null,
        competitor: null,
        reopenedAt: expect.any(String),
      });
      await t.http().patch(`/deals/${dealId}`).send({ probability: 35 }).expect(200);
      await t.http().post(`/deals/${dealId}/win`).send({}).expect(200);
      expect(await view(t, dealId)).toMatchObject({ status: 'won', probability: 35 });
    });

    it('refuses an open deal (409 DEAL_NOT_CLOSED), an unknown deal (404), a missing reason (400)', async () => {
      const dealId = await newDeal(t);
      const open = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/reopen`).send({ reason: 'why' }),
        409,
      );
      expect(open.code).toBe('DEAL_NOT_CLOSED');
      expect(
        (await refused(t, () => t.http().post(`/deals/${randomUUID()}/reopen`).send({ reason: 'why' }), 404))
          .code,
      ).toBe('DEAL_NOT_FOUND');
      await t.http().post(`/deals/${dealId}/win`).send({}).expect(200);
      for (const [body, field] of [
        [{}, 'reason'],
        [{ reason: null }, 'reason'],
        [{ reason: '  ' }, 'reason'],
        [{ reason: 'x'.repeat(501) }, 'reason'],
        [{ reason: 'ok', stage: 'demo' }, 'stage'],
      ] as const) {
        const problem = await refused(t, () => t.http().post(`/deals/${dealId}/reopen`).send(body), 400);
        expect(problem.errors!.map((e) => e.field)).toEqual([field]);
      }
      const stale = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/reopen`).set('If-Match', '"0"').send({ reason: 'why' }),
        412,
      );
      expect(stale.code).toBe('REVISION_MISMATCH');
    });
  });

  describe('moving a deal to another pipeline', () => {
    it("into the stage given, or the pipeline's first active stage; its stages are the new pipeline's", async () => {
      const dealId = await newDeal(t);
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'demo' }).expect(200);
      const moved = await t
        .http()
        .post(`/deals/${dealId}/pipeline`)
        .send({ pipelineId: 'enterprise', stage: 'legal' })
        .expect(200);
      expect(moved.body).toEqual({ id: dealId, revision: 2, position: expect.any(String) });
      expect(await dealEvents(t, dealId, 1)).toEqual([
        {
          type: 'DealMovedToPipeline',
          data: {
            dealId,
            from: { pipelineId: 'default', stage: 'demo' },
            to: { pipelineId: 'enterprise', stage: 'legal' },
            movedAt: expect.any(String),
          },
        },
      ]);
      expect(await view(t, dealId)).toMatchObject({
        pipelineId: 'enterprise',
        stage: 'legal',
        probability: 70,
      });
      // The default pipeline's stages are no longer the deal's.
      const outside = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/move`).send({ stage: 'demo' }),
        400,
      );
      expect(outside.code).toBe('UNKNOWN_STAGE');
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'solution' }).expect(200);

      await t.http().post(`/deals/${dealId}/pipeline`).send({ pipelineId: 'legacy' }).expect(200);
      expect(await view(t, dealId)).toMatchObject({
        pipelineId: 'legacy',
        stage: 'current',
        probability: 50,
      });
      expect((await dealEvents(t, dealId, 3))[0]!.data).toMatchObject({
        from: { pipelineId: 'enterprise', stage: 'solution' },
        to: { pipelineId: 'legacy', stage: 'current' },
      });
    });

    it('refuses SAME_PIPELINE, an unknown pipeline (404), an unknown or retired stage, a closed deal', async () => {
      const dealId = await newDeal(t);
      const same = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/pipeline`).send({ pipelineId: 'default', stage: 'demo' }),
        409,
      );
      expect(same.code).toBe('SAME_PIPELINE');
      expect(
        (
          await refused(
            t,
            () => t.http().post(`/deals/${dealId}/pipeline`).send({ pipelineId: 'nowhere' }),
            404,
          )
        ).code,
      ).toBe('PIPELINE_NOT_FOUND');
      const unknown = await refused(
        t,
        () => t.http().post(`/deals/${dealId}/pipeline`).send({ pipelineId: 'enterprise', stage: 'demo' }),
        400,
      );
      expect(unknown.code).toBe('UNKNOWN_STAGE');
      expect(unknown.errors!.map((e) => e.field)).toEqual(['stage']);
      expect(
        (
          await refused(
            t,
            () => t.http().post(`/deals/${dealId}/pipeline`).send({ pipelineId: 'legacy', stage: 'old' }),
            409,
          )
        ).code,
      ).toBe('STAGE_RETIRED');
      for (const [body, field] of [
        [{}, 'pipelineId'],
        [{ pipelineId: null }, 'pipelineId'],
        [{ pipelineId: 'Enterprise' }, 'pipelineId'],
        [{ pipelineId: 'enterprise', stage: null }, 'stage'],
        [{ pipelineId: 'enterprise', reason: 'x' }, 'reason'],
      ] as const) {
        const problem = await refused(t, () => t.http().post(`/deals/${dealId}/pipeline`).send(body), 400);
        expect(problem.errors!.map((e) => e.field)).toEqual([field]);
      }
      expect(
        (
          await refused(
            t,
            () => t.http().post(`/deals/${randomUUID()}/pipeline`).send({ pipelineId: 'legacy' }),
            404,
          )
        ).code,
      ).toBe('DEAL_NOT_FOUND');
      await refused(
        t,
        () =>
          t.http().post(`/deals/${dealId}/pipeline`).set('If-Match', '"5"').send({ pipelineId: 'legacy' }),
        412,
      );
      await t.http().post(`/deals/${dealId}/win`).send({}).expect(200);
      expect(
        (
          await refused(
            t,
            () => t.http().post(`/deals/${dealId}/pipeline`).send({ pipelineId: 'legacy' }),
            409,
          )
        ).code,
      ).toBe('DEAL_ALREADY_CLOSED');
    });
  });

  describe('history, as-of and lists', () => {
    let dealId: string;
    let phaseOneEnd: string;

    beforeAll(async () => {
      await pipeline(t, 'audit', [
        ['intro', 10],
        ['pitch', 40],
        ['signing', 70],
      ]);
      dealId = await newDeal(t, {
        pipelineId: 'audit',
        owner: 'ada',
        value: { amount: 10_000, currency: 'EUR' },
      });
      await t.http().post(`/deals/${dealId}/move`).send({ stage: 'signing' }).expect(200);
      phaseOneEnd = await momentBetween();
      // The stage is re-weighted after the deal entered it: the history keeps the probability of each moment.
      await t.http().patch('/pipelines/audit/stages/signing').send({ probability: 75 }).expect(200);
      await t.http().patch(`/deals/${dealId}`).send({ probability: 55, owner: 'grace' }).expect(200);
      await t
        .http()
        .post(`/deals/${dealId}/move`)
        .send({ stage: 'pitch', reason: 'new legal team' })
        .expect(200);
      await t.http().post(`/deals/${dealId}/lose`).send({ reason: 'timing' }).expect(200);
      await t.http().post(`/deals/${dealId}/reopen`).send({ reason: 'back in budget' }).expect(200);
      await t
        .http()
        .post(`/deals/${dealId}/pipeline`)
        .send({ pipelineId: 'default', stage: 'proposal' })
        .expect(200);
    });

    it('the history shows every new event with the state after it', async () => {
      const history = await t.http().get(`/deals/${dealId}/history`).expect(200);
      expect(history.body.integrity).toEqual({ verified: true, brokenAt: null });
      const steps = (
        history.body.events as {
          revision: number;
          type: string;
          stateAfter: Record<string, unknown>;
          metadata: Record<string, unknown>;
        }[]
      ).map(({ revision, type, stateAfter }) => ({
        revision,
        type,
        pipelineId: stateAfter['pipelineId'],
        stage: stateAfter['stage'],
        status: stateAfter['status'],
        owner: stateAfter['owner'],
        probability: stateAfter['probability'],
        probabilityOverride: stateAfter['probabilityOverride'],
        lostReason: stateAfter['lostReason'],
        reopened: stateAfter['reopenedAt'] !== null,
        stateRevision: stateAfter['revision'],
      }));
      const base = {
        pipelineId: 'audit',
        status: 'open',
        owner: 'ada',
        probabilityOverride: null,
        lostReason: null,
      };
      expect(steps).toEqual([
        {
          ...base,
          revision: 0,
          type: 'DealCreated',
          stage: 'intro',
          probability: 10,
          reopened: false,
          stateRevision: 0,
        },
        {
          ...base,
          revision: 1,
          type: 'StageAdvanced',
          stage: 'signing',
          probability: 70,
          reopened: false,
          stateRevision: 1,
        },
        {
          ...base,
          revision: 2,
          type: 'DealOwnerChanged',
          stage: 'signing',
          owner: 'grace',
          // The stage's probability as re-weighted by then.
          probability: 75,
          reopened: false,
          stateRevision: 2,
        },
        {
          ...base,
          revision: 3,
          type: 'DealProbabilityOverrideChanged',
          stage: 'signing',
          owner: 'grace',
          probability: 55,
          probabilityOverride: 55,
          reopened: false,
          stateRevision: 3,
        },
        {
          ...base,
          revision: 4,
          type: 'StageReverted',
          stage: 'pitch',
          owner: 'grace',
          probability: 55,
          probabilityOverride: 55,
          reopened: false,
          stateRevision: 4,
        },
        {
          ...base,
          revision: 5,
          type: 'DealLost',
          stage: 'pitch',
          status: 'lost',
          owner: 'grace',
          probability: 55,
          probabilityOverride: 55,
          lostReason: 'timing',
          reopened: false,
          stateRevision: 5,
        },
        {
          ...base,
          revision: 6,
          type: 'DealReopened',
          stage: 'pitch',
          owner: 'grace',
          probability: 55,
          probabilityOverride: 55,
          reopened: true,
          stateRevision: 6,
        },
        {
          ...base,
          revision: 7,
          type: 'DealMovedToPipeline',
          pipelineId: 'default',
          stage: 'proposal',
          owner: 'grace',
          probability: 55,
          probabilityOverride: 55,
          reopened: true,
          stateRevision: 7,
        },
      ]);
      const events = history.body.events as { type: string; data: Record<string, unknown> }[];
      expect(events[4]!.data).toMatchObject({ from: 'signing', to: 'pitch', reason: 'new legal team' });
      expect(events[7]!.data).toMatchObject({
        from: { pipelineId: 'audit', stage: 'pitch' },
        to: { pipelineId: 'default', stage: 'proposal' },
      });
    });

    it('as of a moment: the pipeline, stage and probability of then', async () => {
      const then = await t
        .http()
        .get(`/deals/${dealId}?asOf=${encodeURIComponent(phaseOneEnd)}`)
        .expect(200);
      expect(then.headers['etag']).toBe('"1"');
      expect(then.body).toMatchObject({
        pipelineId: 'audit',
        stage: 'signing',
        status: 'open',
        owner: 'ada',
        probability: 70,
        probabilityOverride: null,
        reopenedAt: null,
        revision: 1,
      });
      const now = await t
        .http()
        .get(`/deals/${dealId}?asOf=${encodeURIComponent(new Date().toISOString())}`)
        .expect(200);
      expect(now.body).toEqual((await t.http().get(`/deals/${dealId}`).expect(200)).body);
      expect(now.body).toMatchObject({
        pipelineId: 'default',
        stage: 'proposal',
        probability: 55,
        revision: 7,
      });
      const pipelineThen = await t
        .http()
        .get(`/pipelines/audit?asOf=${encodeURIComponent(phaseOneEnd)}`)
        .expect(200);
      expect(pipelineThen.body.stages[2]).toMatchObject({ stage: 'signing', probability: 70 });
    });

    it('lists deals by pipeline, stage and owner, with the probability in effect, after minPosition', async () => {
      await pipeline(t, 'listing', [
        ['one', 20],
        ['two', 60],
      ]);
      const first = await newDeal(t, { pipelineId: 'listing', owner: 'ada', title: 'First' });
      const second = await newDeal(t, { pipelineId: 'listing', stage: 'two', owner: 'ada', title: 'Second' });
      const third = await newDeal(t, { pipelineId: 'listing', owner: 'bob', title: 'Third' });
      await t.http().patch(`/deals/${second}`).send({ probability: 65 }).expect(200);
      const changed = await t.http().patch(`/deals/${first}`).send({ owner: 'bob' }).expect(200);

      const titles = async (query: string, position: string) =>
        (await t.http().get(`/deals?${query}&minPosition=${position}`).expect(200)).body.items.map(
          (d: { title: string }) => d.title,
        );
      expect(await titles('pipelineId=listing', changed.body.position)).toEqual(['Third', 'Second', 'First']);
      expect(await titles('pipelineId=listing&owner=bob', changed.body.position)).toEqual(['Third', 'First']);
      expect(await titles('pipelineId=listing&owner=ada', changed.body.position)).toEqual(['Second']);
      expect(await titles('pipelineId=listing&stage=one', changed.body.position)).toEqual(['Third', 'First']);
      expect(await titles('pipelineId=listing&stage=two&owner=ada', changed.body.position)).toEqual([
        'Second',
      ]);
      const page = await t.http().get(`/deals?pipelineId=listing&stage=two`).expect(200);
      expect(page.body.items).toEqual([
        expect.objectContaining({
          dealId: second,
          pipelineId: 'listing',
          stage: 'two',
          probability: 65,
          probabilityOverride: 65,
          reopenedAt: null,
        }),
      ]);

      const moved = await t
        .http()
        .post(`/deals/${third}/pipeline`)
        .send({ pipelineId: 'default' })
        .expect(200);
      expect(await titles('pipelineId=listing', moved.body.position)).toEqual(['Second', 'First']);
      const inDefault = await t
        .http()
        .get(`/deals?pipelineId=default&owner=bob&minPosition=${moved.body.position}`)
        .expect(200);
      expect(inDefault.body.items).toEqual([
        expect.objectContaining({ dealId: third, stage: 'qualification', probability: 10 }),
      ]);
    });
  });
});

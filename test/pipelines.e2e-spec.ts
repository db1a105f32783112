import {
  issueKey,
  dealFor,
  problemOf,
  qualifiedLead,
  type TestApp,
  useApp,
  retireStage,
  refused,
  momentBetween,
} from './support/test-app';

/** A request by method and path, with a JSON body when one is given. */
function send(t: TestApp, method: string, path: string, body?: object) {
  const http = t.http();
  const request =
    method === 'GET'
      ? http.get(path)
      : method === 'POST'
        ? http.post(path)
        : method === 'PATCH'
          ? http.patch(path)
          : method === 'PUT'
            ? http.put(path)
            : http.delete(path);
  return body === undefined ? request : request.send(body);
}

/** Retires a stage over HTTP; its answer, with the status for the callers that check it. */
async function retire(t: TestApp, pipelineId: string, slug: string) {
  return { status: 200, ...(await retireStage(t, pipelineId, slug)) };
}

const stage = (slug: string, name: string, probability: number, rottenAfterDays: number | null = null) => ({
  stage: slug,
  name,
  probability,
  rottenAfterDays,
  retired: false,
});

const DEFAULT_STAGES = [
  stage('qualification', 'Qualification', 10),
  stage('demo', 'Demo', 30),
  stage('proposal', 'Proposal', 60),
  stage('negotiation', 'Negotiation', 80),
];

const DEFAULT_VIEW = {
  pipelineId: 'default',
  name: 'Default pipeline',
  stages: DEFAULT_STAGES,
  revision: -1,
};

/** The events of a pipeline's stream, as types with their data. */
async function eventsOf(t: TestApp, pipelineId: string) {
  return (await t.store.readStream(`pipeline-${pipelineId}`)).map((e) => ({
    revision: e.revision,
    position: e.position.toString(),
    type: e.type,
    data: e.data,
    metadata: e.metadata,
  }));
}

describe('Pipelines: configuration in the log', () => {
  const t = useApp();

  it('has the built-in default pipeline from the start, at revision -1', async () => {
    const list = await t.http().get('/pipelines').expect(200);
    expect(list.body).toEqual({ items: [DEFAULT_VIEW] });
    const got = await t.http().get('/pipelines/default').expect(200);
    expect(got.body).toEqual(DEFAULT_VIEW);
    expect(got.headers['etag']).toBe('"-1"');
    // As of any past moment too: it needed no event to exist.
    const past = await t.http().get('/pipelines/default?asOf=2020-01-01T00:00:00Z').expect(200);
    expect(past.body).toEqual(DEFAULT_VIEW);
    expect(await t.store.readStream('pipeline-default')).toEqual([]);
  });

  it('defines a pipeline with an id it makes up, or the one given; stage names default to the slug in words', async () => {
    const ada = await issueKey(t, ['admin'], { name: 'admin.ada' });
    const made = await t
      .as(ada.key)
      .post('/pipelines')
      .send({
        name: 'Enterprise',
        stages: [
          { stage: 'needs_analysis', probability: 10 },
          { stage: 'solution', name: 'Solution design', probability: 40, rottenAfterDays: 14 },
        ],
      })
      .expect(201);
    expect(made.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]+(?:[_-][a-z0-9]+)*$/),
      revision: 0,
      position: expect.any(String),
    });
    expect(made.headers['etag']).toBe('"0"');
    const id = made.body.id as string;

    const got = await t.http().get(`/pipelines/${id}`).expect(200);
    expect(got.headers['etag']).toBe('"0"');
    expect(got.body).toEqual({
      pipelineId: id,
      name: 'Enterprise',
      stages: [stage('needs_analysis', 'Needs analysis', 10), stage('solution', 'Solution design', 40, 14)],
      revision: 0,
    });
    const [defined, ...more] = await eventsOf(t, id);
    expect(more).toEqual([]);
    expect(defined).toMatchObject({
      revision: 0,
      position: made.body.position,
      type: 'PipelineDefined',
      data: {
        pipelineId: id,
        name: 'Enterprise',
        stages: [
          { stage: 'needs_analysis', name: 'Needs analysis', probability: 10, rottenAfterDays: null },
          { stage: 'solution', name: 'Solution design', probability: 40, rottenAfterDays: 14 },
        ],
        definedAt: expect.any(String),
      },
      metadata: { actor: 'admin.ada' },
    });

    const given = await t
      .http()
      .post('/pipelines')
      .send({ pipelineId: 'zeta', name: 'Agency', stages: [{ stage: 'pitch', probability: 25 }] })
      .expect(201);
    expect(given.body).toMatchObject({ id: 'zeta', revision: 0 });

    // The list: the default pipeline first, then the others by name (not by id).
    const list = await t.http().get(`/pipelines?minPosition=${given.body.position}`).expect(200);
    expect(list.body.items.map((p: { pipelineId: string; name: string }) => [p.pipelineId, p.name])).toEqual([
      ['default', 'Default pipeline'],
      ['zeta', 'Agency'],
      [id, 'Enterprise'],
    ]);
    expect(list.body.items[2]).toEqual(got.body);
  });

  it('renames, adds, updates, retires and reorders stages: one event per change, nothing for no change', async () => {
    const defined = await t
      .http()
      .post('/pipelines')
      .send({
        pipelineId: 'smb',
        name: 'SMB',
        stages: [
          { stage: 'lead_in', probability: 10 },
          { stage: 'demo', probability: 30 },
          { stage: 'closing', probability: 70 },
        ],
      })
      .expect(201);
    const beforeRename = await momentBetween();

    const renamed = await t.http().patch('/pipelines/smb').send({ name: 'Small business' }).expect(200);
    expect(renamed.body).toEqual({ id: 'smb', revision: 1, position: expect.any(String) });
    expect(renamed.headers['etag']).toBe('"1"');

    // The same name again changes nothing, and says where the pipeline is.
    let head = await t.store.headPosition();
    const same = await t.http().patch('/pipelines/smb').send({ name: 'Small business' }).expect(200);
    expect(same.body).toEqual(renamed.body);
    expect(same.headers['etag']).toBe('"1"');
    expect(await t.store.headPosition()).toBe(head);
    const afterRename = await momentBetween();

    const added = await t
      .http()
      .post('/pipelines/smb/stages')
      .send({ stage: 'proposal', probability: 50, after: 'demo' })
      .expect(200);
    expect(added.body).toMatchObject({ id: 'smb', revision: 2 });
    const last = await t
      .http()
      .post('/pipelines/smb/stages')
      .send({ stage: 'onboarding', name: 'Onboarding', probability: 90, rottenAfterDays: 30 })
      .expect(200);
    expect(last.body).toMatchObject({ revision: 3 });

    const updated = await t
      .http()
      .patch('/pipelines/smb/stages/demo')
      .send({ name: 'Product demo', probability: 35, rottenAfterDays: 7 })
      .expect(200);
    expect(updated.body).toMatchObject({ id: 'smb', revision: 6 });
    expect(updated.headers['etag']).toBe('"6"');
    head = await t.store.headPosition();
    const unchanged = await t
      .http()
      .patch('/pipelines/smb/stages/demo')
      .send({ name: 'Product demo', probability: 35, rottenAfterDays: 7 })
      .expect(200);
    expect(unchanged.body).toEqual(updated.body);
    expect(await t.store.headPosition()).toBe(head);
    const cleared = await t
      .http()
      .patch('/pipelines/smb/stages/demo')
      .send({ rottenAfterDays: null })
      .expect(200);
    expect(cleared.body).toMatchObject({ revision: 7 });

    const retired = await retire(t, 'smb', 'onboarding');
    expect(retired.revision).toBe(8);

    const order = ['lead_in', 'proposal', 'demo', 'closing', 'onboarding'];
    const reordered = await t.http().put('/pipelines/smb/stage-order').send({ stages: order }).expect(200);
    expect(reordered.body).toMatchObject({ id: 'smb', revision: 9 });
    expect(reordered.headers['etag']).toBe('"9"');
    head = await t.store.headPosition();
    const sameOrder = await t.http().put('/pipelines/smb/stage-order').send({ stages: order }).expect(200);
    expect(sameOrder.body).toEqual(reordered.body);
    expect(await t.store.headPosition()).toBe(head);

    const expected = {
      pipelineId: 'smb',
      name: 'Small business',
      stages: [
        stage('lead_in', 'Lead in', 10),
        stage('proposal', 'Proposal', 50),
        stage('demo', 'Product demo', 35),
        stage('closing', 'Closing', 70),
        { ...stage('onboarding', 'Onboarding', 90, 30), retired: true },
      ],
      revision: 9,
    };
    const got = await t.http().get('/pipelines/smb').expect(200);
    expect(got.body).toEqual(expected);
    expect(got.headers['etag']).toBe('"9"');
    const list = await t.http().get(`/pipelines?minPosition=${reordered.body.position}`).expect(200);
    expect(list.body.items.find((p: { pipelineId: string }) => p.pipelineId === 'smb')).toEqual(expected);

    // Every change is an event with what it was before, in one append per command.
    const events = await eventsOf(t, 'smb');
    expect(events.map((e) => [e.revision, e.type])).toEqual([
      [0, 'PipelineDefined'],
      [1, 'PipelineRenamed'],
      [2, 'PipelineStageAdded'],
      [3, 'PipelineStageAdded'],
      [4, 'PipelineStageRenamed'],
      [5, 'PipelineStageProbabilityChanged'],
      [6, 'PipelineStageRottingPeriodChanged'],
      [7, 'PipelineStageRottingPeriodChanged'],
      [8, 'PipelineStageRetired'],
      [9, 'PipelineStagesReordered'],
    ]);
    expect(events[0]!.position).toBe(defined.body.position);
    expect(events[1]!.data).toEqual({
      pipelineId: 'smb',
      from: 'SMB',
      to: 'Small business',
      renamedAt: expect.any(String),
    });
    expect(events[2]!.data).toEqual({
      pipelineId: 'smb',
      stage: 'proposal',
      name: 'Proposal',
      probability: 50,
      rottenAfterDays: null,
      after: 'demo',
      addedAt: expect.any(String),
    });
    expect(events[3]!.data).toMatchObject({ stage: 'onboarding', after: 'closing', rottenAfterDays: 30 });
    const change = { pipelineId: 'smb', stage: 'demo', changedAt: expect.any(String) };
    expect(events.slice(4, 8).map((e) => e.data)).toEqual([
      { ...change, from: 'Demo', to: 'Product demo' },
      { ...change, from: 30, to: 35 },
      { ...change, from: null, to: 7 },
      { ...change, from: 7, to: null },
    ]);
    // The three changes of one PATCH: consecutive positions, one command, the answer's position the last.
    expect(new Set(events.slice(4, 7).map((e) => e.metadata.causationId)).size).toBe(1);
    expect(events.slice(4, 7).map((e) => BigInt(e.position))).toEqual([
      BigInt(updated.body.position) - 2n,
      BigInt(updated.body.position) - 1n,
      BigInt(updated.body.position),
    ]);
    expect(events[8]!.data).toEqual({
      pipelineId: 'smb',
      stage: 'onboarding',
      retiredAt: expect.any(String),
    });
    expect(events[9]!.data).toEqual({
      pipelineId: 'smb',
      from: ['lead_in', 'demo', 'proposal', 'closing', 'onboarding'],
      to: order,
      reorderedAt: expect.any(String),
    });

    // As of a past moment: the configuration as it was then, with its revision as the ETag.
    const before = await t
      .http()
      .get(`/pipelines/smb?asOf=${encodeURIComponent(beforeRename)}`)
      .expect(200);
    expect(before.body).toEqual({
      pipelineId: 'smb',
      name: 'SMB',
      stages: [stage('lead_in', 'Lead in', 10), stage('demo', 'Demo', 30), stage('closing', 'Closing', 70)],
      revision: 0,
    });
    expect(before.headers['etag']).toBe('"0"');
    const after = await t
      .http()
      .get(`/pipelines/smb?asOf=${encodeURIComponent(afterRename)}`)
      .expect(200);
    expect(after.body).toEqual({ ...before.body, name: 'Small business', revision: 1 });
    const now = await t
      .http()
      .get(`/pipelines/smb?asOf=${encodeURIComponent(new Date().toISOString())}`)
      .expect(200);
    expect(now.body).toEqual(expected);
    const notYet = await refused(t, () => t.http().get('/pipelines/smb?asOf=2020-01-01'), 404);
    expect(notYet.code).toBe('PIPELINE_NOT_FOUND');
  });

  it('retires a stage over HTTP: POST .../retire with {} answers 200 and writes PipelineStageRetired', async () => {
    await t
      .http()
      .post('/pipelines')
      .send({
        pipelineId: 'retire-me',
        name: 'Retire me',
        stages: [
          { stage: 'a', probability: 10 },
          { stage: 'b', probability: 20 },
        ],
      })
      .expect(201);
    const response = await t.http().post('/pipelines/retire-me/stages/b/retire').send({});
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: { id: 'retire-me', revision: 1, position: expect.any(String) },
    });
    expect(response.headers['etag']).toBe('"1"');
    const events = await eventsOf(t, 'retire-me');
    expect(events[1]).toMatchObject({
      type: 'PipelineStageRetired',
      data: { pipelineId: 'retire-me', stage: 'b', retiredAt: expect.any(String) },
    });
    const got = await t.http().get('/pipelines/retire-me').expect(200);
    expect(got.body.stages[1]).toEqual({ ...stage('b', 'B', 20), retired: true });
  });

  it('If-Match: a pipeline command writes only at the revision read', async () => {
    await t
      .http()
      .post('/pipelines')
      .send({ pipelineId: 'guarded', name: 'Guarded', stages: [{ stage: 'one', probability: 10 }] })
      .expect(201);
    const problem = await refused(
      t,
      () => t.http().patch('/pipelines/guarded').set('If-Match', '"3"').send({ name: 'Renamed' }),
      412,
    );
    expect(problem.code).toBe('REVISION_MISMATCH');
    await refused(
      t,
      () =>
        t
          .http()
          .post('/pipelines/guarded/stages')
          .set('If-Match', '"1"')
          .send({ stage: 'two', probability: 20 }),
      412,
    );
    const renamed = await t
      .http()
      .patch('/pipelines/guarded')
      .set('If-Match', '"0"')
      .send({ name: 'Renamed' })
      .expect(200);
    expect(renamed.body).toMatchObject({ revision: 1 });
    await refused(
      t,
      () =>
        t
          .http()
          .put('/pipelines/guarded/stage-order')
          .set('If-Match', '"0"')
          .send({ stages: ['one'] }),
      412,
    );
  });

  it('a retired stage stays in the configuration and leaves the pipeline report once no open deal is in it', async () => {
    await t
      .http()
      .post('/pipelines')
      .send({
        pipelineId: 'retiring',
        name: 'Retiring',
        stages: [
          { stage: 'first', probability: 20 },
          { stage: 'old', probability: 50 },
          { stage: 'last', probability: 90 },
        ],
      })
      .expect(201);
    const leadId = await qualifiedLead(t);
    const created = await t
      .http()
      .post('/deals')
      .send(
        dealFor(leadId, { pipelineId: 'retiring', stage: 'old', value: { amount: 1_001, currency: 'EUR' } }),
      )
      .expect(201);
    const dealId = created.body.id as string;
    const retired = await retire(t, 'retiring', 'old');

    const holding = await t
      .http()
      .get(`/analytics/pipeline?pipelineId=retiring&minPosition=${retired.position}`)
      .expect(200);
    expect(holding.body.stages).toEqual([
      {
        stage: 'first',
        name: 'First',
        probability: 20,
        retired: false,
        openDeals: 0,
        rottingDeals: 0,
        values: [],
      },
      {
        stage: 'old',
        name: 'Old',
        probability: 50,
        retired: true,
        openDeals: 1,
        rottingDeals: 0,
        // 1001 x 50% = 500.5: halves up.
        values: [{ currency: 'EUR', total: 1_001, weighted: 501 }],
      },
      {
        stage: 'last',
        name: 'Last',
        probability: 90,
        retired: false,
        openDeals: 0,
        rottingDeals: 0,
        values: [],
      },
    ]);

    // The deal may move out of the retired stage, never back in.
    const moved = await t.http().post(`/deals/${dealId}/move`).send({ stage: 'last' }).expect(200);
    const empty = await t
      .http()
      .get(`/analytics/pipeline?pipelineId=retiring&minPosition=${moved.body.position}`)
      .expect(200);
    expect(empty.body.stages.map((s: { stage: string }) => s.stage)).toEqual(['first', 'last']);
    expect(empty.body.stages[1]).toMatchObject({
      openDeals: 1,
      values: [{ currency: 'EUR', total: 1_001, weighted: 901 }],
    });
    const back = await refused(t, () => t.http().post(`/deals/${dealId}/move`).send({ stage: 'old' }), 409);
    expect(back.code).toBe('STAGE_RETIRED');
    const config = await t.http().get('/pipelines/retiring').expect(200);
    expect(config.body.stages.map((s: { stage: string; retired: boolean }) => [s.stage, s.retired])).toEqual([
      ['first', false],
      ['old', true],
      ['last', false],
    ]);
  });

  describe('refusals name the rule or the field, and write nothing', () => {
    beforeAll(async () => {
      await t
        .http()
        .post('/pipelines')
        .send({
          pipelineId: 'rules',
          name: 'Rules',
          stages: [
            { stage: 'alpha', probability: 10 },
            { stage: 'beta', probability: 50 },
          ],
        })
        .expect(201);
      await retire(t, 'rules', 'beta');
    });

    it.each([
      ['GET', '/pipelines/nowhere', undefined],
      ['PATCH', '/pipelines/nowhere', { name: 'X' }],
      ['POST', '/pipelines/nowhere/stages', { stage: 'x', probability: 1 }],
      ['PATCH', '/pipelines/nowhere/stages/x', { probability: 1 }],
      ['POST', '/pipelines/nowhere/stages/x/retire', {}],
      ['PUT', '/pipelines/nowhere/stage-order', { stages: ['x'] }],
      ['GET', '/analytics/pipeline?pipelineId=nowhere', undefined],
      ['GET', '/analytics/stages?pipelineId=nowhere', undefined],
      ['GET', '/analytics/forecast?pipelineId=nowhere', undefined],
    ])('404 PIPELINE_NOT_FOUND: %s %s', async (method, path, body) => {
      const problem = await refused(t, () => send(t, method, path, body), 404);
      expect(problem.code).toBe('PIPELINE_NOT_FOUND');
    });

    it.each([
      ['PATCH', '/pipelines/rules/stages/gamma', { probability: 20 }],
      ['POST', '/pipelines/rules/stages/gamma/retire', {}],
      ['PATCH', '/pipelines/default/stages/closing', { name: 'Closing' }],
      ['POST', '/pipelines/default/stages/closing/retire', {}],
    ])('404 STAGE_NOT_FOUND for an unknown stage in the path: %s %s', async (method, path, body) => {
      const problem = await refused(t, () => send(t, method, path, body), 404);
      expect(problem.code).toBe('STAGE_NOT_FOUND');
    });

    it('409 PIPELINE_ALREADY_EXISTS, also for the default pipeline', async () => {
      const again = { pipelineId: 'rules', name: 'Again', stages: [{ stage: 'x', probability: 1 }] };
      expect((await refused(t, () => t.http().post('/pipelines').send(again), 409)).code).toBe(
        'PIPELINE_ALREADY_EXISTS',
      );
      // The default pipeline exists without an event: it cannot be defined either.
      const problem = await refused(
        t,
        () => send(t, 'POST', '/pipelines', { ...again, pipelineId: 'default' }),
        409,
      );
      expect(problem.code).toBe('PIPELINE_ALREADY_EXISTS');
    });

    it('409 STAGE_ALREADY_EXISTS: a slug is never reused, not even the slug of a retired stage', async () => {
      for (const slug of ['alpha', 'beta']) {
        const problem = await refused(
          t,
          () => t.http().post('/pipelines/rules/stages').send({ stage: slug, probability: 5 }),
          409,
        );
        expect(problem.code).toBe('STAGE_ALREADY_EXISTS');
      }
    });

    it('409 STAGE_ALREADY_RETIRED', async () => {
      const problem = await refused(
        t,
        () => t.http().post('/pipelines/rules/stages/beta/retire').send({}),
        409,
      );
      expect(problem.code).toBe('STAGE_ALREADY_RETIRED');
    });

    it('409 LAST_ACTIVE_STAGE', async () => {
      const problem = await refused(
        t,
        () => t.http().post('/pipelines/rules/stages/alpha/retire').send({}),
        409,
      );
      expect(problem.code).toBe('LAST_ACTIVE_STAGE');
    });

    it('409 TOO_MANY_STAGES when a 51st stage is added (and 400 for 51 at once)', async () => {
      const fifty = Array.from({ length: 50 }, (_, i) => ({ stage: `s${i}`, probability: i * 2 }));
      await t.http().post('/pipelines').send({ pipelineId: 'wide', name: 'Wide', stages: fifty }).expect(201);
      const problem = await refused(
        t,
        () => t.http().post('/pipelines/wide/stages').send({ stage: 's50', probability: 100 }),
        409,
      );
      expect(problem.code).toBe('TOO_MANY_STAGES');
      const tooMany = await refused(
        t,
        () =>
          t
            .http()
            .post('/pipelines')
            .send({
              pipelineId: 'wider',
              name: 'Wider',
              stages: [...fifty, { stage: 's50', probability: 1 }],
            }),
        400,
      );
      expect(tooMany.errors!.map((e) => e.field)).toEqual(['stages']);
    });

    it('400 DUPLICATE_STAGE, STAGE_ORDER_MISMATCH and UNKNOWN_STAGE, each naming the field', async () => {
      const duplicate = await refused(
        t,
        () =>
          t
            .http()
            .post('/pipelines')
            .send({
              pipelineId: 'dup',
              name: 'Dup',
              stages: [
                { stage: 'a', probability: 1 },
                { stage: 'b', probability: 2 },
                { stage: 'a', probability: 3 },
              ],
            }),
        400,
      );
      expect(duplicate.code).toBe('DUPLICATE_STAGE');
      expect(duplicate.errors!.map((e) => e.field)).toEqual(['stages[2].stage']);

      for (const stages of [
        ['alpha'],
        ['alpha', 'beta', 'gamma'],
        ['alpha', 'alpha'],
        ['beta', 'gamma'],
        [],
      ]) {
        const problem = await refused(
          t,
          () => t.http().put('/pipelines/rules/stage-order').send({ stages }),
          400,
        );
        expect(problem.code).toBe('STAGE_ORDER_MISMATCH');
        expect(problem.errors!.map((e) => e.field)).toEqual(['stages']);
      }

      const unknown = await refused(
        t,
        () =>
          t.http().post('/pipelines/rules/stages').send({ stage: 'gamma', probability: 5, after: 'omega' }),
        400,
      );
      expect(unknown.code).toBe('UNKNOWN_STAGE');
      expect(unknown.errors!.map((e) => e.field)).toEqual(['after']);
    });

    it.each([
      ['a probability above 100', { stage: 'g', probability: 101 }, 'probability'],
      ['a negative probability', { stage: 'g', probability: -1 }, 'probability'],
      ['a fractional probability', { stage: 'g', probability: 12.5 }, 'probability'],
      ['a probability as text', { stage: 'g', probability: '50' }, 'probability'],
      ['no probability', { stage: 'g' }, 'probability'],
      ['a null probability', { stage: 'g', probability: null }, 'probability'],
      ['a rotting period of 0 days', { stage: 'g', probability: 5, rottenAfterDays: 0 }, 'rottenAfterDays'],
      ['a stage that is not a slug', { stage: 'Closing Soon', probability: 5 }, 'stage'],
      ['a blank name', { stage: 'g', name: '  ', probability: 5 }, 'name'],
      ['a null name', { stage: 'g', name: null, probability: 5 }, 'name'],
      ['an unknown field', { stage: 'g', probability: 5, colour: 'red' }, 'colour'],
      ['a null after', { stage: 'g', probability: 5, after: null }, 'after'],
    ])('400 for a stage added with %s', async (_, body, field) => {
      const problem = await refused(t, () => t.http().post('/pipelines/rules/stages').send(body), 400);
      expect(problem.errors!.map((e) => e.field)).toContain(field);
    });

    it.each([
      ['a probability above 100', { probability: 101 }, 'probability'],
      ['a null probability', { probability: null }, 'probability'],
      ['a null name', { name: null }, 'name'],
      ['a rotting period above 3650 days', { rottenAfterDays: 3651 }, 'rottenAfterDays'],
      ['an unknown field', { retired: true }, 'retired'],
    ])('400 for a stage updated with %s', async (_, body, field) => {
      const problem = await refused(t, () => t.http().patch('/pipelines/rules/stages/alpha').send(body), 400);
      expect(problem.errors!.map((e) => e.field)).toContain(field);
    });

    it.each([
      ['no stages', { name: 'P', stages: [] }, 'stages'],
      ['stages that are not a list', { name: 'P', stages: 'alpha' }, 'stages'],
      ['no name', { stages: [{ stage: 'a', probability: 1 }] }, 'name'],
      [
        'a pipeline id that is not a slug',
        { pipelineId: 'Big Deals', name: 'P', stages: [{ stage: 'a', probability: 1 }] },
        'pipelineId',
      ],
      [
        'a stage with a bad probability',
        { name: 'P', stages: [{ stage: 'a', probability: 150 }] },
        'stages.0.probability',
      ],
      ['an unknown field', { name: 'P', stages: [{ stage: 'a', probability: 1 }], owner: 'x' }, 'owner'],
    ])('400 for a pipeline defined with %s', async (_, body, field) => {
      const problem = await refused(t, () => t.http().post('/pipelines').send(body), 400);
      expect(problem.errors!.map((e) => e.field)).toContain(field);
    });

    it.each([
      ['a rename without a name', 'PATCH', '/pipelines/rules', {}, 'name'],
      ['a rename to null', 'PATCH', '/pipelines/rules', { name: null }, 'name'],
      [
        'a reorder with a stage that is not a slug',
        'PUT',
        '/pipelines/rules/stage-order',
        { stages: ['Alpha', 'beta'] },
        'stages',
      ],
      [
        'a reorder with an unknown field',
        'PUT',
        '/pipelines/rules/stage-order',
        { order: ['alpha', 'beta'] },
        'order',
      ],
      ['a reorder with null', 'PUT', '/pipelines/rules/stage-order', { stages: null }, 'stages'],
      ['a retire with a field', 'POST', '/pipelines/rules/stages/alpha/retire', { reason: 'old' }, 'reason'],
    ])('400 for %s', async (_, method, path, body, field) => {
      const problem = await refused(t, () => send(t, method, path, body), 400);
      expect(problem.errors!.map((e) => e.field)).toContain(field);
    });

    it('400 for a path segment that is not a slug', async () => {
      for (const [send, field] of [
        [() => t.http().get('/pipelines/Not%20A%20Slug'), 'pipelineId'],
        [() => t.http().patch('/pipelines/UPPER').send({ name: 'X' }), 'pipelineId'],
        [
          () =>
            t
              .http()
              .post(`/pipelines/${'p'.repeat(51)}/stages`)
              .send({ stage: 'x', probability: 1 }),
          'pipelineId',
        ],
        [() => t.http().patch('/pipelines/rules/stages/Alpha').send({ probability: 1 }), 'stage'],
        [() => t.http().post('/pipelines/rules/stages/al%20pha/retire').send({}), 'stage'],
        [
          () =>
            t
              .http()
              .put('/pipelines/-rules/stage-order')
              .send({ stages: ['alpha', 'beta'] }),
          'pipelineId',
        ],
      ] as const) {
        const problem = await refused(t, send, 400);
        expect(problem.errors!.map((e) => e.field)).toEqual([field]);
      }
    });

    it('400 for bad parameters of the pipeline queries', async () => {
      for (const [url, field] of [
        ['/pipelines/rules?asOf=yesterday', 'asOf'],
        ['/pipelines/rules?colour=red', 'colour'],
        ['/pipelines?minPosition=-1', 'minPosition'],
        ['/pipelines?asOf=2026-01-01', 'asOf'],
      ]) {
        const problem = await refused(t, () => t.http().get(url!), 400);
        expect(problem.errors!.map((e) => e.field)).toContain(field);
      }
    });
  });
});

describe('The default pipeline, configured like any other', () => {
  const t = useApp();

  it('If-Match on the untouched default pipeline: its ETag "-1" matches, any other revision is 412', async () => {
    const before = await t.store.headPosition();
    // Its own name changes nothing: the answer is where it is, revision -1 with no event.
    const same = await t.http().patch('/pipelines/default').send({ name: 'Default pipeline' }).expect(200);
    expect(same.body).toEqual({ id: 'default', revision: -1, position: '0' });
    expect(same.headers['etag']).toBe('"-1"');
    const stale = await t.http().patch('/pipelines/default').set('If-Match', '"4"').send({ name: 'Sales' });
    expect(stale.status).toBe(412);
    expect(problemOf(stale).code).toBe('REVISION_MISMATCH');
    expect(await t.store.headPosition()).toBe(before);
    const current = await t
      .http()
      .patch('/pipelines/default')
      .set('If-Match', '"-1"')
      .send({ name: 'Sales' });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ id: 'default', revision: 0 });
  });

  it('changes append to its stream from revision 0; reports and deals use the new probability', async () => {
    const leadId = await qualifiedLead(t);
    const created = await t
      .http()
      .post('/deals')
      .send(dealFor(leadId, { stage: 'negotiation', value: { amount: 10_000, currency: 'EUR' } }))
      .expect(201);
    const current = (await t.http().get('/pipelines/default').expect(200)).body as { revision: number };
    const changed = await t
      .http()
      .patch('/pipelines/default/stages/negotiation')
      .set('If-Match', `"${current.revision}"`)
      .send({ probability: 85 })
      .expect(200);
    expect(changed.body).toMatchObject({ id: 'default', revision: current.revision + 1 });
    const got = await t.http().get('/pipelines/default').expect(200);
    expect(got.body.stages[3]).toEqual(stage('negotiation', 'Negotiation', 85));
    // Before its first change, as built in.
    const builtIn = await t.http().get('/pipelines/default?asOf=2020-01-01').expect(200);
    expect(builtIn.body).toEqual(DEFAULT_VIEW);
    expect(got.headers['etag']).toBe(`"${current.revision + 1}"`);

    const deal = await t.http().get(`/deals/${created.body.id}`).expect(200);
    expect(deal.body).toMatchObject({
      pipelineId: 'default',
      stage: 'negotiation',
      probability: 85,
      probabilityOverride: null,
    });
    const report = await t.http().get(`/analytics/pipeline?minPosition=${changed.body.position}`).expect(200);
    expect(report.body.stages[3]).toEqual({
      stage: 'negotiation',
      name: 'Negotiation',
      probability: 85,
      retired: false,
      openDeals: 1,
      rottingDeals: 0,
      values: [{ currency: 'EUR', total: 10_000, weighted: 8_500 }],
    });
    const list = await t.http().get(`/pipelines?minPosition=${changed.body.position}`).expect(200);
    expect(list.body.items[0]).toEqual(got.body);
  });

  it('an Idempotency-Key retry of a definition without an id returns the first answer and defines nothing new', async () => {
    const body = { name: 'Keyed', stages: [{ stage: 'one', probability: 10 }] };
    const first = await t
      .http()
      .post('/pipelines')
      .set('Idempotency-Key', 'define-keyed-1')
      .send(body)
      .expect(201);
    const head = await t.store.headPosition();
    const retry = await t.http().post('/pipelines').set('Idempotency-Key', 'define-keyed-1').send(body);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await t.store.headPosition()).toBe(head);
  });
});

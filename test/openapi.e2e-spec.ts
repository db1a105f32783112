import { useApp } from './support/test-app';

describe('OpenAPI and health', () => {
  const t = useApp();

  it('describes every route of the contract at /openapi.json', async () => {
    const document = (await t.http().get('/openapi.json').expect(200)).body;
    expect(document.openapi).toMatch(/^3\./);
    const routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /leads',
        'POST /leads/{leadId}/qualify',
        'POST /leads/{leadId}/disqualify',
        'GET /leads/{leadId}',
        'POST /deals',
        'POST /deals/{dealId}/advance',
        'POST /deals/{dealId}/win',
        'POST /deals/{dealId}/lose',
        'GET /deals/{dealId}',
        'GET /leads',
        'GET /deals',
        'GET /analytics/pipeline',
        'GET /analytics/funnel',
        'GET /health',
        'GET /pipelines',
        'GET /pipelines/{pipelineId}',
        'POST /pipelines',
        'PATCH /pipelines/{pipelineId}',
        'POST /pipelines/{pipelineId}/stages',
        'PATCH /pipelines/{pipelineId}/stages/{stage}',
        'POST /pipelines/{pipelineId}/stages/{stage}/retire',
        'PUT /pipelines/{pipelineId}/stage-order',
        'POST /deals/{dealId}/move',
        'PATCH /deals/{dealId}',
        'POST /deals/{dealId}/reopen',
        'POST /deals/{dealId}/pipeline',
        'GET /deals/{dealId}/history',
        'PATCH /leads/{leadId}',
        'POST /leads/{leadId}/reactivate',
        'GET /leads/{leadId}/history',
        'GET /analytics/stages',
        'GET /analytics/forecast',
        'GET /analytics/losses',
      ]),
    );
    const capture = document.components.schemas.CaptureLeadDto;
    expect(capture.required).toEqual(expect.arrayContaining(['name', 'email', 'source']));
    expect(document.components.schemas.Problem).toBeDefined();
  });

  it('types the request bodies and the answers of the pipeline, deal-lifecycle and report routes', async () => {
    const document = (await t.http().get('/openapi.json').expect(200)).body;
    type Operation = {
      requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
      responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
      parameters?: { name: string; in: string }[];
    };
    const operation = (route: string): Operation => {
      const [method, path] = route.split(' ') as [string, string];
      const found = document.paths[path]?.[method.toLowerCase()] as Operation | undefined;
      expect({ route, found: found !== undefined }).toEqual({ route, found: true });
      return found!;
    };
    const ref = (name: string) => `#/components/schemas/${name}`;
    const body = (route: string) => operation(route).requestBody?.content['application/json']?.schema.$ref;
    const answer = (route: string, status: string) =>
      operation(route).responses[status]?.content?.['application/json']?.schema.$ref;

    for (const [route, request, status, response] of [
      ['POST /pipelines', 'DefinePipelineDto', '201', 'CommandResultDto'],
      ['PATCH /pipelines/{pipelineId}', 'RenamePipelineDto', '200', 'CommandResultDto'],
      ['POST /pipelines/{pipelineId}/stages', 'AddStageDto', '200', 'CommandResultDto'],
      ['PATCH /pipelines/{pipelineId}/stages/{stage}', 'UpdateStageDto', '200', 'CommandResultDto'],
      ['POST /pipelines/{pipelineId}/stages/{stage}/retire', 'RetireStageDto', '200', 'CommandResultDto'],
      ['PUT /pipelines/{pipelineId}/stage-order', 'ReorderStagesDto', '200', 'CommandResultDto'],
      ['POST /deals', 'CreateDealDto', '201', 'CommandResultDto'],
      ['POST /deals/{dealId}/move', 'MoveDealDto', '200', 'CommandResultDto'],
      ['PATCH /deals/{dealId}', 'UpdateDealDto', '200', 'CommandResultDto'],
      ['POST /deals/{dealId}/reopen', 'ReopenDealDto', '200', 'CommandResultDto'],
      ['POST /deals/{dealId}/pipeline', 'MoveDealToPipelineDto', '200', 'CommandResultDto'],
      ['PATCH /leads/{leadId}', 'UpdateLeadDto', '200', 'CommandResultDto'],
      ['POST /leads/{leadId}/reactivate', 'ReactivateLeadDto', '200', 'CommandResultDto'],
    ] as const) {
      expect({ route, request: body(route), response: answer(route, status) }).toEqual({
        route,
        request: ref(request),
        response: ref(response),
      });
      // Refusals are problem documents.
      for (const refusal of ['400', '404', '409', '412']) {
        expect(operation(route).responses[refusal]?.content?.['application/problem+json']?.schema.$ref).toBe(
          ref('Problem'),
        );
      }
    }
    for (const [route, response] of [
      ['GET /pipelines', 'PipelineList'],
      ['GET /pipelines/{pipelineId}', 'PipelineView'],
      ['GET /deals/{dealId}', 'DealView'],
      ['GET /leads/{leadId}', 'LeadView'],
      ['GET /analytics/pipeline', 'PipelineReportView'],
      ['GET /analytics/stages', 'StagesReportView'],
      ['GET /analytics/forecast', 'ForecastReportView'],
      ['GET /analytics/losses', 'LossesReportView'],
    ] as const) {
      expect({ route, response: answer(route, '200') }).toEqual({ route, response: ref(response) });
    }

    // The query parameters of the new queries and filters.
    const parameters = (route: string) =>
      (operation(route).parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(parameters('GET /pipelines/{pipelineId}')).toEqual(
      expect.arrayContaining(['asOf', 'minPosition']),
    );
    expect(parameters('GET /pipelines')).toEqual(expect.arrayContaining(['minPosition']));
    expect(parameters('GET /analytics/pipeline')).toEqual(
      expect.arrayContaining(['pipelineId', 'groupBy', 'asOf', 'minPosition']),
    );
    expect(parameters('GET /analytics/stages')).toEqual(
      expect.arrayContaining(['pipelineId', 'from', 'to', 'asOf', 'minPosition']),
    );
    expect(parameters('GET /analytics/forecast')).toEqual(
      expect.arrayContaining(['pipelineId', 'from', 'to', 'groupBy', 'asOf', 'minPosition']),
    );
    expect(parameters('GET /analytics/losses')).toEqual(
      expect.arrayContaining(['from', 'to', 'asOf', 'minPosition']),
    );
    expect(parameters('GET /deals')).toEqual(expect.arrayContaining(['pipelineId', 'owner', 'stage']));
    expect(parameters('GET /leads')).toEqual(expect.arrayContaining(['owner']));

    const schemas = document.components.schemas as Record<
      string,
      {
        properties: Record<string, { nullable?: boolean; minimum?: number; maximum?: number }>;
        required?: string[];
      }
    >;
    const properties = (name: string) => Object.keys(schemas[name]?.properties ?? {});
    const update = schemas['UpdateDealDto']!;
    expect(properties('UpdateDealDto')).toEqual(
      expect.arrayContaining(['title', 'value', 'expectedCloseDate', 'owner', 'probability']),
    );
    expect(update.required ?? []).toEqual([]);
    expect(update.properties['owner']).toMatchObject({ nullable: true });
    expect(update.properties['probability']).toMatchObject({ nullable: true, minimum: 0, maximum: 100 });
    expect(properties('UpdateLeadDto')).toEqual(
      expect.arrayContaining(['name', 'email', 'phone', 'company', 'interest', 'tags', 'owner']),
    );
    expect(schemas['UpdateLeadDto']!.required ?? []).toEqual([]);
    for (const [name, required] of [
      ['DefinePipelineDto', ['name', 'stages']],
      ['RenamePipelineDto', ['name']],
      ['AddStageDto', ['stage', 'probability']],
      ['ReorderStagesDto', ['stages']],
      ['MoveDealDto', ['stage']],
      ['ReopenDealDto', ['reason']],
      ['MoveDealToPipelineDto', ['pipelineId']],
      ['ReactivateLeadDto', ['reason']],
    ] as const) {
      expect({ name, required: schemas[name]?.required }).toEqual({
        name,
        required: expect.arrayContaining([...required]),
      });
    }
    expect(properties('AddStageDto')).toEqual(
      expect.arrayContaining(['stage', 'name', 'probability', 'rottenAfterDays', 'after']),
    );
    expect(properties('UpdateStageDto')).toEqual(
      expect.arrayContaining(['name', 'probability', 'rottenAfterDays']),
    );
    expect(properties('CreateDealDto')).toEqual(expect.arrayContaining(['pipelineId', 'stage']));

    expect(properties('PipelineView')).toEqual(
      expect.arrayContaining(['pipelineId', 'name', 'stages', 'revision']),
    );
    expect(properties('PipelineStageView')).toEqual(
      expect.arrayContaining(['stage', 'name', 'probability', 'rottenAfterDays', 'retired']),
    );
    expect(properties('PipelineList')).toEqual(['items']);
    expect(properties('DealView')).toEqual(
      expect.arrayContaining(['pipelineId', 'probability', 'probabilityOverride', 'reopenedAt']),
    );
    expect(properties('LeadView')).toEqual(expect.arrayContaining(['owner']));
    expect(properties('PipelineReportView')).toEqual(
      expect.arrayContaining(['position', 'pipelineId', 'name', 'stages', 'won', 'lost', 'owners']),
    );
    expect(schemas['PipelineReportView']!.required ?? []).not.toContain('owners');
    expect(properties('PipelineStageRowView')).toEqual(
      expect.arrayContaining(['stage', 'name', 'probability', 'retired', 'openDeals', 'values']),
    );
    expect(properties('StagesReportView')).toEqual(
      expect.arrayContaining(['position', 'pipelineId', 'name', 'from', 'to', 'stages', 'winRate']),
    );
    expect(properties('StageFlowRowView')).toEqual(
      expect.arrayContaining([
        'stage',
        'entered',
        'movedForward',
        'movedBack',
        'won',
        'lost',
        'movedOut',
        'conversion',
        'timeInStage',
      ]),
    );
    expect(properties('ForecastReportView')).toEqual(
      expect.arrayContaining(['position', 'pipelineId', 'from', 'to', 'months', 'owners']),
    );
    expect(properties('ForecastMonthView')).toEqual(expect.arrayContaining(['month', 'open', 'won']));
    expect(properties('LossesReportView')).toEqual(
      expect.arrayContaining(['position', 'from', 'to', 'lost', 'byReason', 'byStage', 'byCompetitor']),
    );
  });

  it('renders it at /docs', async () => {
    const page = await t.http().get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('swagger');
  });

  it("reports the stores up at /health, with each projection's lag behind the log", async () => {
    const captured = await t
      .http()
      .post('/leads')
      .send({ name: 'Ada', email: 'ada@example.com', source: 'web_form' })
      .expect(201);
    await t.http().get(`/leads?minPosition=${captured.body.position}`).expect(200);
    const health = await t.http().get('/health').expect(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      info: { eventStore: { status: 'up', head: captured.body.position }, readModels: { status: 'up' } },
    });
    const projections = health.body.info.readModels.projections as {
      name: string;
      checkpoint: string;
      lag: number;
    }[];
    expect(projections.map((p) => p.name)).toEqual([
      'pipelines',
      'lead-list',
      'deal-list',
      'pipeline',
      'funnel',
      'stages',
      'forecast',
      'losses',
    ]);
    projections.forEach((p) => expect(p).toMatchObject({ checkpoint: captured.body.position, lag: 0 }));
  });
});

import { createConfig, lintFromString } from '@redocly/openapi-core';
import { PROBLEM_CODES } from '../apps/api/src/http/problem-codes';
import { isPublicPath } from '../apps/api/src/access/authentication';
import { type Answer, ContractChecker, type OpenApiDocument } from './support/openapi-validation';
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
        properties: Record<string, { type?: string | string[]; minimum?: number; maximum?: number }>;
        required?: string[];
      }
    >;
    const properties = (name: string) => Object.keys(schemas[name]?.properties ?? {});
    const update = schemas['UpdateDealDto']!;
    expect(properties('UpdateDealDto')).toEqual(
      expect.arrayContaining(['title', 'value', 'expectedCloseDate', 'owner', 'probability']),
    );
    expect(update.required ?? []).toEqual([]);
    // OpenAPI 3.1: a field that may be null says so in its type.
    expect(update.properties['owner']).toMatchObject({ type: ['string', 'null'] });
    expect(update.properties['probability']).toMatchObject({
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 100,
    });
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
      'activities',
      'merkle-tree',
      'lead-emails',
    ]);
    projections.forEach((p) => expect(p).toMatchObject({ checkpoint: captured.body.position, lag: 0 }));
  });
});

describe('The OpenAPI document as a contract a client can generate from', () => {
  const t = useApp();

  type Schema = {
    $ref?: string;
    type?: string | string[];
    format?: string;
    pattern?: string;
    enum?: unknown[];
    anyOf?: Schema[];
    properties?: Record<string, Schema>;
    required?: string[];
  };
  type Response = {
    headers?: Record<string, { $ref?: string }>;
    content?: Record<string, { schema?: Schema }>;
  };
  type Operation = {
    operationId?: string;
    summary?: string;
    security?: unknown[];
    parameters?: { $ref?: string; name?: string; in?: string; schema?: Schema }[];
    responses: Record<string, Response>;
  };
  let document: {
    openapi: string;
    security: unknown[];
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  beforeAll(async () => {
    document = (await t.as(null).get('/openapi.json').expect(200)).body;
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        path,
        operation,
      })),
    );

  it('is OpenAPI 3.1 that the Redocly recommended rules find nothing wrong with', async () => {
    expect(document.openapi).toBe('3.1.0');
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: 'openapi.json',
      config,
    });
    expect(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`),
    ).toEqual([]);
  }, 30_000);

  it('gives every operation a unique id, a summary, and its security: none on the public routes', () => {
    expect(document.security).toEqual([{ apiKey: [] }]);
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { route, path, operation } of operations()) {
      expect({ route, id: operation.operationId }).toEqual({
        route,
        id: expect.stringMatching(/^[a-z][A-Za-z]+$/),
      });
      expect({ route, summary: operation.summary }).toEqual({ route, summary: expect.stringMatching(/\S/) });
      if (isPublicPath(path)) {
        expect({ route, security: operation.security }).toEqual({ route, security: [] });
      } else {
        // The global requirement (the API key) applies, and its refusals are declared.
        expect({ route, security: operation.security }).toEqual({ route, security: undefined });
        expect({ route, statuses: Object.keys(operation.responses) }).toEqual({
          route,
          statuses: expect.arrayContaining(['401', '403', '429']),
        });
      }
    }
    expect(
      operations()
        .filter(({ path }) => isPublicPath(path))
        .map(({ route }) => route),
    ).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /health/live',
        'GET /health/ready',
        'GET /openapi.json',
        'GET /docs',
      ]),
    );
  });

  it('declares X-Correlation-Id on every answer, Retry-After on 429 and 503, ETag where the revision is', () => {
    const header = (response: Response, name: string) => response.headers?.[name]?.$ref;
    for (const { route, operation } of operations()) {
      expect({
        route,
        parameter: operation.parameters?.some((p) => p.$ref === '#/components/parameters/CorrelationId'),
      }).toEqual({
        route,
        parameter: true,
      });
      for (const [status, response] of Object.entries(operation.responses)) {
        expect({ route, status, header: header(response, 'X-Correlation-Id') }).toEqual({
          route,
          status,
          header: '#/components/headers/CorrelationId',
        });
        if (status === '429' || status === '503') {
          expect({ route, status, header: header(response, 'Retry-After') }).toEqual({
            route,
            status,
            header: '#/components/headers/RetryAfter',
          });
        }
      }
    }
    for (const [route, status] of [
      ['POST /leads', '201'],
      ['POST /leads/{leadId}/qualify', '200'],
      ['GET /leads/{leadId}', '200'],
      ['POST /deals', '201'],
      ['PATCH /deals/{dealId}', '200'],
      ['GET /deals/{dealId}', '200'],
      ['PUT /pipelines/{pipelineId}/stage-order', '200'],
      ['GET /pipelines/{pipelineId}', '200'],
      ['POST /admin/keys', '201'],
    ] as const) {
      const [method, path] = route.split(' ') as [string, string];
      expect({
        route,
        etag: header(document.paths[path]![method.toLowerCase()]!.responses[status]!, 'ETag'),
      }).toEqual({
        route,
        etag: '#/components/headers/ETag',
      });
    }
    expect(header(document.paths['/leads']!['get']!.responses['200']!, 'ETag')).toBeUndefined();
  });

  it('types every JSON answer, counts and amounts as integers, ids as UUIDs and slugs', () => {
    for (const { route, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          expect({ route, status, type, schema: media.schema !== undefined }).toEqual({
            route,
            status,
            type,
            schema: true,
          });
        }
      }
      const success = Object.keys(operation.responses).filter((s) => s.startsWith('2') && s !== '204');
      for (const status of success) {
        expect({ route, status, content: Object.keys(operation.responses[status]!.content ?? {}) }).toEqual({
          route,
          status,
          content: expect.arrayContaining([expect.any(String)]),
        });
      }
      for (const parameter of (operation.parameters ?? []).filter((p) => p.in === 'path')) {
        const expected = ['leadId', 'dealId', 'keyId', 'activityId'].includes(parameter.name!)
          ? { type: 'string', format: 'uuid' }
          : { type: 'string', pattern: expect.any(String) };
        expect({ route, parameter: parameter.name, schema: parameter.schema }).toEqual({
          route,
          parameter: parameter.name,
          schema: expect.objectContaining(expected),
        });
      }
    }
    expect(
      document.paths['/audit/verify']!['get']!.responses['200']!.content!['application/json']!.schema,
    ).toEqual({
      $ref: '#/components/schemas/AuditReportView',
    });

    const schemas = document.components.schemas;
    const typeOf = (schema: string, property: string) => schemas[schema]?.properties?.[property]?.type;
    for (const [schema, property] of [
      ['CommandResultDto', 'revision'],
      ['MoneyDto', 'amount'],
      ['LeadView', 'revision'],
      ['DealView', 'revision'],
      ['DealView', 'probability'],
      ['PipelineView', 'revision'],
      ['PipelineStageView', 'probability'],
      ['EventMessageDto', 'revision'],
      ['CurrencyTotalView', 'total'],
      ['WeightedValueView', 'weighted'],
      ['OutcomeView', 'deals'],
      ['FunnelSourceRowView', 'captured'],
      ['StageFlowRowView', 'entered'],
      ['AuditReportView', 'events'],
    ] as const) {
      expect({ schema, property, type: typeOf(schema, property) }).toEqual({
        schema,
        property,
        type: 'integer',
      });
    }
    expect(typeOf('DealView', 'probabilityOverride')).toEqual(['integer', 'null']);
    expect(typeOf('FunnelRatesView', 'win')).toEqual(['number', 'null']);
    expect(schemas['LeadView']!.properties!['leadId']).toMatchObject({ format: 'uuid' });
    // A view that may be null is the view or null (no longer an object that null fails).
    expect(schemas['LeadView']!.properties!['qualification']).toMatchObject({
      anyOf: [{ $ref: '#/components/schemas/QualificationView' }, { type: 'null' }],
    });
  });

  it('names every code a problem can carry', () => {
    expect(document.components.schemas['Problem']!.properties!['code']).toMatchObject({
      type: 'string',
      enum: [...PROBLEM_CODES],
    });
  });
});

describe('The contract check every e2e test runs (test/support/openapi-validation.ts)', () => {
  const t = useApp();
  let checker: ContractChecker;
  beforeAll(async () => {
    checker = new ContractChecker(
      (await t.as(null).get('/openapi.json').expect(200)).body as OpenApiDocument,
    );
  });

  const headers = {
    'x-correlation-id': 'c-1',
    'content-type': 'application/json; charset=utf-8',
    etag: '"0"',
  };
  const captured = (
    overrides: Partial<Answer> = {},
    body: unknown = { id: 'x', revision: 0, position: '7', possibleDuplicates: [] },
  ) =>
    checker.check({
      method: 'POST',
      url: '/leads',
      status: 201,
      headers,
      body: Buffer.from(JSON.stringify(body)),
      ...overrides,
    });

  it('accepts an answer that keeps the document', () => {
    expect(captured()).toEqual([]);
  });

  it('finds a wrong body, an unnamed field, an undeclared status and the headers', () => {
    expect(captured({}, { id: 'x', revision: 1.5, position: '7' })).toEqual([
      expect.stringContaining('/revision must be integer'),
    ]);
    expect(captured({}, { id: 'x', revision: 0, position: '7', extra: true })).toEqual([
      expect.stringContaining('must NOT have unevaluated properties (extra)'),
    ]);
    expect(captured({ status: 418 })).toEqual([
      expect.stringContaining('POST /leads does not declare status 418'),
    ]);
    expect(captured({ headers: { 'content-type': 'application/json' } })).toEqual([
      'POST /leads 201 declares the required header x-correlation-id, not sent',
      'POST /leads 201 declares the required header etag, not sent',
    ]);
    expect(
      captured({ status: 200, url: '/leads/0b6f4e3c-2f0e-4b8e-9a51-6f1d1b7c2a10', method: 'GET' }),
    ).toEqual([
      expect.stringContaining('GET /leads/{leadId} 200 application/json: the body does not match the schema'),
    ]);
    expect(captured({ headers: { ...headers, location: '/leads/x' } })).toEqual([
      'POST /leads 201 does not declare the header location it is sent with',
    ]);
  });

  it('holds problem documents to the Problem schema and its codes, on any path', () => {
    const problem = (code: string) =>
      Buffer.from(JSON.stringify({ type: 'urn:x', title: 'Not found', status: 404, detail: 'd', code }));
    const answer = (url: string, code: string): Answer => ({
      method: 'GET',
      url,
      status: 404,
      headers: { 'x-correlation-id': 'c', 'content-type': 'application/problem+json' },
      body: problem(code),
    });
    expect(checker.check(answer('/leads/0b6f4e3c-2f0e-4b8e-9a51-6f1d1b7c2a10', 'LEAD_NOT_FOUND'))).toEqual(
      [],
    );
    expect(checker.check(answer('/leads/0b6f4e3c-2f0e-4b8e-9a51-6f1d1b7c2a10', 'NO_SUCH_CODE'))).toEqual([
      expect.stringContaining('/code must be equal to one of the allowed values'),
    ]);
    expect(checker.check(answer('/no/such/route', 'NO_SUCH_CODE'))).toEqual([
      expect.stringContaining('a 404 problem document: the body does not match the schema'),
    ]);
  });

  it('checks a stream for its status and content type only', () => {
    const stream = (type: string): Answer => ({
      method: 'GET',
      url: '/events?from=start',
      status: 200,
      headers: { 'x-correlation-id': 'c', 'content-type': type },
      body: undefined,
    });
    expect(checker.check(stream('text/event-stream; charset=utf-8'))).toEqual([]);
    expect(checker.check(stream('text/plain'))).toEqual([
      'GET /events 200 is sent as text/plain, the document declares text/event-stream, application/json',
    ]);
  });
});

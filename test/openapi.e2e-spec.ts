import { removeDataDir, startApp, type TestApp } from './support/test-app';

describe('OpenAPI and health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

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
      ]),
    );
    const capture = document.components.schemas.CaptureLeadDto;
    expect(capture.required).toEqual(expect.arrayContaining(['name', 'email', 'source']));
    expect(document.components.schemas.Problem).toBeDefined();
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
    expect(projections.map((p) => p.name)).toEqual(['lead-list', 'deal-list', 'pipeline', 'funnel']);
    projections.forEach((p) => expect(p).toMatchObject({ checkpoint: captured.body.position, lag: 0 }));
  });
});

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

  it('reports the store up at /health', async () => {
    const health = await t.http().get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up' } } });
  });
});

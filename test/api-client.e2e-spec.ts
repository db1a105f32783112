import type { AddressInfo } from 'node:net';
import { type ApiClient, type Schemas, createApiClient } from '../libs/api-client/src';
import { TEST_ADMIN_KEY, type TestApp, startApp, removeDataDir } from './support/test-app';

/**
 * The typed client generated from the OpenAPI document, against the real application over HTTP: what a
 * client outside the project writes, checked by the compiler and by the service's answers.
 */
describe('The typed API client (libs/api-client)', () => {
  let t: TestApp;
  let baseUrl: string;
  let api: ApiClient;

  beforeAll(async () => {
    t = await startApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    api = createApiClient({ baseUrl, apiKey: TEST_ADMIN_KEY });
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('captures a lead, qualifies it on the revision it read, and reads it back', async () => {
    const captured = await api.POST('/leads', {
      body: { name: 'Ada Lovelace', email: 'ada@example.com', source: 'web_form', tags: ['enterprise'] },
    });
    expect(captured.response.status).toBe(201);
    const leadId = captured.data!.id;
    expect(captured.data).toEqual({
      id: leadId,
      revision: 0,
      position: expect.stringMatching(/^\d+$/),
      possibleDuplicates: [],
    });
    const etag = captured.response.headers.get('etag');
    expect(etag).toBe('"0"');
    expect(captured.response.headers.get('x-correlation-id')).toEqual(expect.any(String));

    const qualified = await api.POST('/leads/{leadId}/qualify', {
      params: { path: { leadId }, header: { 'If-Match': etag! } },
      body: {
        budget: { amount: 1_250_000, currency: 'EUR' },
        timeline: '2026-09-30',
        authority: 'CFO',
        need: 'pipeline forecasting',
      },
    });
    expect(qualified.error).toBeUndefined();
    expect(qualified.data!.revision).toBe(1);

    const read = await api.GET('/leads/{leadId}', {
      params: { path: { leadId }, query: { minPosition: qualified.data!.position } },
    });
    const lead: Schemas['LeadView'] = read.data!;
    expect(lead).toMatchObject({ leadId, status: 'qualified', name: 'Ada Lovelace', revision: 1 });
    expect(lead.qualification?.budget).toEqual({ amount: 1_250_000, currency: 'EUR' });
    expect(lead.disqualification).toBeNull();
    expect(read.response.headers.get('etag')).toBe('"1"');

    const page = await api.GET('/leads', {
      params: { query: { status: 'qualified', minPosition: qualified.data!.position, limit: 10 } },
    });
    expect(page.data!.items.map((item) => item.leadId)).toEqual([leadId]);
    expect(page.data!.nextCursor).toBeNull();
  });

  it('types the refusals as problem documents with their code', async () => {
    const captured = await api.POST('/leads', {
      body: { name: 'Grace Hopper', email: 'grace@example.com', source: 'referral' },
    });
    const leadId = captured.data!.id;

    const stale = await api.POST('/leads/{leadId}/disqualify', {
      params: { path: { leadId }, header: { 'If-Match': '"7"' } },
      body: { reason: 'no_budget' },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.code).toBe('REVISION_MISMATCH');

    const missing = await api.GET('/leads/{leadId}', {
      params: { path: { leadId: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ status: 404, code: 'LEAD_NOT_FOUND' });

    const anonymous = createApiClient({ baseUrl, apiKey: 'not-a-key-of-this-service' });
    const refused = await anonymous.GET('/leads');
    expect(refused.response.status).toBe(401);
    expect(refused.error?.code).toBe('UNAUTHENTICATED');
    expect(refused.response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});

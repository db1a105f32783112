import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCORING_RULES } from '@app/domain';
import { type ServiceProcess, callService, startService, stopService } from './support/service-process';
import { ADMIN_AUTHORIZATION } from './support/test-keys';
import {
  type IssuedTestKey,
  type TestApp,
  issueKey,
  lead,
  momentBetween,
  newDataDir,
  openDeal,
  problemOf,
  qualification,
  qualifiedLead,
  removeDataDir,
  startApp,
  useApp,
} from './support/test-app';

/**
 * The access matrix of the API contract, written out here as the contract states it (not read from the
 * service's own table): which roles may do what.
 */
const CONTRACT = {
  commands: ['admin', 'sales', 'service+commands'],
  configuration: ['admin'],
  reads: ['admin', 'sales', 'analyst', 'auditor', 'service', 'service+commands'],
  histories: ['admin', 'sales', 'auditor'],
  analytics: ['admin', 'sales', 'analyst', 'auditor'],
  audit: ['admin', 'auditor'],
  events: ['admin', 'auditor', 'service', 'service+commands'],
  metrics: ['admin', 'service', 'service+commands'],
  keys: ['admin'],
  privacy: ['admin'],
} as const;
type Access = keyof typeof CONTRACT;

const PRINCIPALS = ['admin', 'sales', 'analyst', 'auditor', 'service', 'service+commands'] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

/** One route, called on something made for the call (a fresh lead, deal, pipeline or key). */
interface RouteCase {
  readonly method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** The route as the OpenAPI document names it. */
  readonly route: string;
  readonly access: Access;
  /** Makes what the call needs, as the admin, and answers the path and body to send. */
  readonly call: (t: TestApp) => { path: string; body?: object } | Promise<{ path: string; body?: object }>;
}

const deal = (t: TestApp) => openDeal(t);
const pipeline = async (t: TestApp) =>
  (
    await t
      .http()
      .post('/pipelines')
      .send({
        name: 'Matrix',
        stages: [
          { stage: 'one', probability: 10 },
          { stage: 'two', probability: 50 },
          { stage: 'three', probability: 90 },
        ],
      })
      .expect(201)
  ).body.id as string;
const capturedLead = async (t: TestApp) =>
  (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
/** The position of a lead captured for the call: on the embedded store, the size of the tree that holds it. */
const capturedLeadPosition = async (t: TestApp) =>
  (await t.http().post('/leads').send(lead()).expect(201)).body.position as string;
const followUp = () => ({ type: 'call', subject: 'Call back', dueAt: '2031-05-04T09:30:00Z' });

/** The interaction routes of a lead or of a deal, each on a fresh one (with an open activity where needed). */
const interactionCases = (kind: 'lead' | 'deal'): RouteCase[] => {
  const make = (t: TestApp) => (kind === 'lead' ? capturedLead(t) : deal(t));
  const withActivity = async (t: TestApp) => {
    const id = await make(t);
    const scheduled = await t.http().post(`/${kind}s/${id}/activities`).send(followUp()).expect(201);
    return `/${kind}s/${id}/activities/${scheduled.body.id as string}`;
  };
  const base = `/${kind}s/{${kind}Id}`;
  return [
    {
      method: 'post',
      route: `${base}/notes`,
      access: 'commands',
      call: async (t) => ({ path: `/${kind}s/${await make(t)}/notes`, body: { text: 'spoke to them' } }),
    },
    {
      method: 'post',
      route: `${base}/activities`,
      access: 'commands',
      call: async (t) => ({ path: `/${kind}s/${await make(t)}/activities`, body: followUp() }),
    },
    {
      method: 'post',
      route: `${base}/activities/{activityId}/complete`,
      access: 'commands',
      call: async (t) => ({ path: `${await withActivity(t)}/complete`, body: { outcome: 'reached' } }),
    },
    {
      method: 'post',
      route: `${base}/activities/{activityId}/reschedule`,
      access: 'commands',
      call: async (t) => ({
        path: `${await withActivity(t)}/reschedule`,
        body: { dueAt: '2031-05-05T09:30:00Z' },
      }),
    },
    {
      method: 'post',
      route: `${base}/activities/{activityId}/cancel`,
      access: 'commands',
      call: async (t) => ({ path: `${await withActivity(t)}/cancel`, body: {} }),
    },
  ];
};

const CASES: readonly RouteCase[] = [
  {
    method: 'post',
    route: '/leads',
    access: 'commands',
    call: () => ({ path: '/leads', body: lead() }),
  },
  {
    method: 'post',
    route: '/leads/{leadId}/qualify',
    access: 'commands',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}/qualify`, body: qualification() }),
  },
  {
    method: 'post',
    route: '/leads/{leadId}/disqualify',
    access: 'commands',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}/disqualify`, body: { reason: 'spam' } }),
  },
  {
    method: 'patch',
    route: '/leads/{leadId}',
    access: 'commands',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}`, body: { owner: 'grace' } }),
  },
  {
    method: 'post',
    route: '/leads/{leadId}/reactivate',
    access: 'commands',
    call: async (t) => {
      const leadId = await capturedLead(t);
      await t.http().post(`/leads/${leadId}/disqualify`).send({ reason: 'spam' }).expect(200);
      return { path: `/leads/${leadId}/reactivate`, body: { reason: 'it was not' } };
    },
  },
  {
    method: 'post',
    route: '/leads/{leadId}/erase',
    access: 'privacy',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}/erase`, body: { reason: 'asked' } }),
  },
  {
    method: 'get',
    route: '/leads/{leadId}/personal-data',
    access: 'privacy',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}/personal-data` }),
  },
  { method: 'get', route: '/leads', access: 'reads', call: () => ({ path: '/leads' }) },
  {
    method: 'get',
    route: '/leads/{leadId}',
    access: 'reads',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}` }),
  },
  {
    method: 'get',
    route: '/leads/{leadId}?asOf',
    access: 'histories',
    call: async (t) => {
      const leadId = await capturedLead(t);
      return { path: `/leads/${leadId}?asOf=${encodeURIComponent(await momentBetween())}` };
    },
  },
  {
    method: 'get',
    route: '/leads/{leadId}/history',
    access: 'histories',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}/history` }),
  },
  {
    method: 'post',
    route: '/deals',
    access: 'commands',
    call: async (t) => ({
      path: '/deals',
      body: {
        leadId: await qualifiedLead(t),
        title: 'Matrix',
        value: { amount: 1_000, currency: 'EUR' },
        expectedCloseDate: '2027-01-31',
      },
    }),
  },
  {
    method: 'post',
    route: '/deals/{dealId}/advance',
    access: 'commands',
    call: async (t) => ({ path: `/deals/${await deal(t)}/advance`, body: { stage: 'demo' } }),
  },
  {
    method: 'post',
    route: '/deals/{dealId}/move',
    access: 'commands',
    call: async (t) => ({ path: `/deals/${await deal(t)}/move`, body: { stage: 'proposal' } }),
  },
  {
    method: 'patch',
    route: '/deals/{dealId}',
    access: 'commands',
    call: async (t) => ({ path: `/deals/${await deal(t)}`, body: { owner: 'grace' } }),
  },
  {
    method: 'post',
    route: '/deals/{dealId}/win',
    access: 'commands',
    call: async (t) => ({ path: `/deals/${await deal(t)}/win`, body: {} }),
  },
  {
    method: 'post',
    route: '/deals/{dealId}/lose',
    access: 'commands',
    call: async (t) => ({ path: `/deals/${await deal(t)}/lose`, body: { reason: 'price' } }),
  },
  {
    method: 'post',
    route: '/deals/{dealId}/reopen',
    access: 'commands',
    call: async (t) => {
      const dealId = await deal(t);
      await t.http().post(`/deals/${dealId}/lose`).send({ reason: 'price' }).expect(200);
      return { path: `/deals/${dealId}/reopen`, body: { reason: 'back' } };
    },
  },
  {
    method: 'post',
    route: '/deals/{dealId}/pipeline',
    access: 'commands',
    call: async (t) => ({
      path: `/deals/${await deal(t)}/pipeline`,
      body: { pipelineId: await pipeline(t) },
    }),
  },
  { method: 'get', route: '/deals', access: 'reads', call: () => ({ path: '/deals' }) },
  {
    method: 'get',
    route: '/deals/{dealId}',
    access: 'reads',
    call: async (t) => ({ path: `/deals/${await deal(t)}` }),
  },
  {
    method: 'get',
    route: '/deals/{dealId}?asOf',
    access: 'histories',
    call: async (t) => {
      const dealId = await deal(t);
      return { path: `/deals/${dealId}?asOf=${encodeURIComponent(await momentBetween())}` };
    },
  },
  {
    method: 'get',
    route: '/deals/{dealId}/history',
    access: 'histories',
    call: async (t) => ({ path: `/deals/${await deal(t)}/history` }),
  },
  {
    method: 'get',
    route: '/deals?asOf',
    access: 'histories',
    call: () => ({ path: `/deals?rotting=true&asOf=${encodeURIComponent(new Date().toISOString())}` }),
  },
  ...interactionCases('lead'),
  ...interactionCases('deal'),
  { method: 'get', route: '/activities', access: 'reads', call: () => ({ path: '/activities?due=overdue' }) },
  {
    method: 'get',
    route: '/activities?asOf',
    access: 'histories',
    call: () => ({ path: `/activities?asOf=${encodeURIComponent(new Date().toISOString())}` }),
  },
  {
    method: 'post',
    route: '/pipelines',
    access: 'configuration',
    call: () => ({
      path: '/pipelines',
      body: { name: 'Mine', stages: [{ stage: 'only', probability: 50 }] },
    }),
  },
  {
    method: 'patch',
    route: '/pipelines/{pipelineId}',
    access: 'configuration',
    call: async (t) => ({ path: `/pipelines/${await pipeline(t)}`, body: { name: 'Renamed' } }),
  },
  {
    method: 'post',
    route: '/pipelines/{pipelineId}/stages',
    access: 'configuration',
    call: async (t) => ({
      path: `/pipelines/${await pipeline(t)}/stages`,
      body: { stage: 'four', probability: 95 },
    }),
  },
  {
    method: 'patch',
    route: '/pipelines/{pipelineId}/stages/{stage}',
    access: 'configuration',
    call: async (t) => ({ path: `/pipelines/${await pipeline(t)}/stages/two`, body: { probability: 55 } }),
  },
  {
    method: 'post',
    route: '/pipelines/{pipelineId}/stages/{stage}/retire',
    access: 'configuration',
    call: async (t) => ({ path: `/pipelines/${await pipeline(t)}/stages/two/retire`, body: {} }),
  },
  {
    method: 'put',
    route: '/pipelines/{pipelineId}/stage-order',
    access: 'configuration',
    call: async (t) => ({
      path: `/pipelines/${await pipeline(t)}/stage-order`,
      body: { stages: ['two', 'one', 'three'] },
    }),
  },
  { method: 'get', route: '/pipelines', access: 'reads', call: () => ({ path: '/pipelines' }) },
  {
    method: 'get',
    route: '/pipelines/{pipelineId}',
    access: 'reads',
    call: () => ({ path: '/pipelines/default' }),
  },
  {
    method: 'get',
    route: '/pipelines/{pipelineId}?asOf',
    access: 'histories',
    call: () => ({ path: `/pipelines/default?asOf=${encodeURIComponent(new Date().toISOString())}` }),
  },
  {
    method: 'get',
    route: '/pipelines/{pipelineId}/board',
    access: 'analytics',
    call: () => ({ path: '/pipelines/default/board' }),
  },
  {
    method: 'get',
    route: '/pipelines/{pipelineId}/board?asOf',
    access: 'histories',
    call: () => ({ path: `/pipelines/default/board?asOf=${encodeURIComponent(new Date().toISOString())}` }),
  },
  {
    method: 'put',
    route: '/scoring/rules',
    access: 'configuration',
    // The rule set in effect, sent again: allowed, and nothing changes for the other cases.
    call: () => ({ path: '/scoring/rules', body: DEFAULT_SCORING_RULES }),
  },
  { method: 'get', route: '/scoring/rules', access: 'reads', call: () => ({ path: '/scoring/rules' }) },
  {
    method: 'get',
    route: '/scoring/rules?asOf',
    access: 'histories',
    call: () => ({ path: `/scoring/rules?asOf=${encodeURIComponent(new Date().toISOString())}` }),
  },
  {
    method: 'get',
    route: '/leads/{leadId}/score',
    access: 'reads',
    call: async (t) => ({ path: `/leads/${await capturedLead(t)}/score` }),
  },
  {
    method: 'get',
    route: '/leads/{leadId}/score?asOf',
    access: 'histories',
    call: async (t) => {
      const leadId = await capturedLead(t);
      return { path: `/leads/${leadId}/score?asOf=${encodeURIComponent(await momentBetween())}` };
    },
  },
  {
    method: 'get',
    route: '/leads?sort=score',
    access: 'reads',
    call: () => ({ path: '/leads?sort=score&band=hot' }),
  },
  {
    method: 'get',
    route: '/analytics/funnel?groupBy=band',
    access: 'analytics',
    call: () => ({ path: '/analytics/funnel?groupBy=band' }),
  },
  ...(['pipeline', 'funnel', 'stages', 'forecast', 'losses'] as const).map((report): RouteCase => ({
    method: 'get',
    route: `/analytics/${report}`,
    access: 'analytics',
    call: () => ({ path: `/analytics/${report}` }),
  })),
  {
    method: 'get',
    route: '/analytics/pipeline?asOf',
    access: 'analytics',
    call: () => ({ path: `/analytics/pipeline?asOf=${encodeURIComponent(new Date().toISOString())}` }),
  },
  { method: 'get', route: '/audit/verify', access: 'audit', call: () => ({ path: '/audit/verify' }) },
  { method: 'get', route: '/audit/public-key', access: 'audit', call: () => ({ path: '/audit/public-key' }) },
  {
    method: 'get',
    route: '/audit/tree-head',
    access: 'audit',
    call: async (t) => ({ path: `/audit/tree-head?minPosition=${await capturedLeadPosition(t)}` }),
  },
  {
    method: 'get',
    route: '/audit/proof/inclusion',
    access: 'audit',
    call: async (t) => {
      const position = await capturedLeadPosition(t);
      return {
        path: `/audit/proof/inclusion?position=${position}&treeSize=${position}&minPosition=${position}`,
      };
    },
  },
  {
    method: 'get',
    route: '/audit/proof/consistency',
    access: 'audit',
    call: async (t) => {
      const position = await capturedLeadPosition(t);
      return { path: `/audit/proof/consistency?from=1&to=${position}&minPosition=${position}` };
    },
  },
  {
    method: 'get',
    route: '/audit/records',
    access: 'audit',
    call: () => ({ path: '/audit/records?limit=5' }),
  },
  { method: 'get', route: '/events', access: 'events', call: () => ({ path: '/events?limit=5' }) },
  { method: 'get', route: '/changes', access: 'reads', call: () => ({ path: '/changes' }) },
  { method: 'get', route: '/me', access: 'reads', call: () => ({ path: '/me' }) },
  { method: 'get', route: '/metrics', access: 'metrics', call: () => ({ path: '/metrics' }) },
  {
    method: 'post',
    route: '/admin/keys',
    access: 'keys',
    call: () => ({ path: '/admin/keys', body: { name: 'another', roles: ['analyst'] } }),
  },
  { method: 'get', route: '/admin/keys', access: 'keys', call: () => ({ path: '/admin/keys' }) },
  {
    method: 'get',
    route: '/admin/keys/{keyId}',
    access: 'keys',
    call: async (t) => ({ path: `/admin/keys/${(await issueKey(t, ['analyst'])).keyId}` }),
  },
  {
    method: 'delete',
    route: '/admin/keys/{keyId}',
    access: 'keys',
    call: async (t) => ({ path: `/admin/keys/${(await issueKey(t, ['analyst'])).keyId}` }),
  },
];

/** The routes anyone may call without a key. */
const PUBLIC_ROUTES = ['/health', '/health/live', '/health/ready', '/openapi.json', '/docs', '/'];

describe('Access: who may call what', () => {
  const t = useApp();
  const keys = new Map<PrincipalName, IssuedTestKey | null>();

  beforeAll(async () => {
    keys.set('admin', null);
    for (const role of ['sales', 'analyst', 'auditor', 'service'] as const) {
      keys.set(role, await issueKey(t, [role], { name: `${role} key` }));
    }
    keys.set('service+commands', await issueKey(t, ['service'], { name: 'sync', commands: true }));
  });

  const as = (principal: PrincipalName) => {
    const key = keys.get(principal);
    return key ? t.as(key.key) : t.http();
  };

  const send = (
    principal: PrincipalName | { key: string | null },
    method: RouteCase['method'],
    path: string,
    body?: object,
  ) => {
    const http = typeof principal === 'string' ? as(principal) : t.as(principal.key);
    // The event log as JSON pages, and for a key the notices' headers alone (HEAD): a stream would not end by
    // itself. A request without a valid key is answered at once, with a problem.
    const stream = path.startsWith('/changes') && typeof principal === 'string';
    const request = (stream ? http.head(path) : http[method](path)).set(
      'accept',
      path.startsWith('/events') ? 'application/json' : '*/*',
    );
    return body === undefined ? request : request.send(body);
  };

  it('covers every operation of the API document, and the document names every route of the matrix', async () => {
    const document = (await t.http().get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method} ${path}`),
    );
    const covered = new Set(CASES.map((c) => `${c.method} ${c.route.split('?')[0]}`));
    const uncovered = operations.filter(
      (op) => !covered.has(op) && !PUBLIC_ROUTES.includes(op.split(' ')[1]!),
    );
    expect(uncovered).toEqual([]);
  });

  describe.each(CASES.map((c) => [`${c.method.toUpperCase()} ${c.route}`, c] as const))('%s', (_, route) => {
    it.each(PRINCIPALS.map((p) => [p]))('as %s', async (principal) => {
      const { path, body } = await route.call(t);
      const response = await send(principal, route.method, path, body);
      const allowed = (CONTRACT[route.access] as readonly string[]).includes(principal);
      if (allowed) {
        // Allowed: answered 2xx (the body shows why not, should it fail).
        expect({ status: response.status, problem: response.status < 300 ? null : response.body }).toEqual({
          status: expect.any(Number),
          problem: null,
        });
      } else {
        expect(response.status).toBe(403);
        const problem = problemOf(response);
        expect(problem.code).toBe('ROLE_REQUIRED');
        expect(problem.detail).toMatch(/needs one of the roles/);
      }
    });

    it('401 without a key, with an unknown key and with a revoked key, all alike', async () => {
      const { path, body } = await route.call(t);
      const revoked = await issueKey(t, ['admin'], { name: 'to revoke' });
      await t.http().delete(`/admin/keys/${revoked.keyId}`).expect(204);
      const answers = [];
      for (const key of [null, `spk_${randomUUID()}`, revoked.key]) {
        const response = await send({ key }, route.method, path, body);
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="sales-pipeline"/);
        answers.push(problemOf(response).code);
      }
      expect(answers).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
    });
  });

  it('answers health and the documentation without a key', async () => {
    for (const path of ['/health', '/openapi.json']) await t.as(null).get(path).expect(200);
    const docs = await t.as(null).get('/docs');
    expect([200, 301, 302]).toContain(docs.status);
  });

  it('answers 401 on an unknown path without a key, so that the routes stay unknown to it', async () => {
    const response = await t.as(null).get('/no/such/route');
    expect(response.status).toBe(401);
  });
});

describe('Keys: issue, revoke, and who acts', () => {
  const t = useApp();

  it('records who issued and revoked which key, never the secret, and lists keys without secrets', async () => {
    const issued = await t
      .http()
      .post('/admin/keys')
      .send({ name: 'crm-sync', roles: ['service'], commands: true })
      .expect(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    expect(issued.body).toMatchObject({
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      key: expect.stringMatching(/^spk_[A-Za-z0-9_-]{43}$/),
      name: 'crm-sync',
      roles: ['service'],
      commands: true,
      actOnBehalf: false,
      personalData: false,
      revokedAt: null,
      revision: 0,
    });
    const { keyId, key } = issued.body as { keyId: string; key: string };
    await t.as(key).post('/leads').send(lead()).expect(201);
    await t.http().delete(`/admin/keys/${keyId}`).expect(204);
    await t.as(key).get('/leads').expect(401);

    const stream = await t.store.readStream(`apikey-${keyId}`);
    expect(stream.map((e) => [e.type, e.metadata.actor])).toEqual([
      ['ApiKeyIssued', 'admin (ADMIN_API_KEY)'],
      ['ApiKeyRevoked', 'admin (ADMIN_API_KEY)'],
    ]);
    expect(stream[0]!.data).toEqual({
      keyId,
      name: 'crm-sync',
      roles: ['service'],
      commands: true,
      actOnBehalf: false,
      personalData: false,
      issuedAt: expect.any(String),
    });
    // Neither the log, nor the list, nor any file of the data directory holds the secret.
    const listed = await t.http().get('/admin/keys').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ keyId, revokedAt: expect.any(String) }),
    );
    for (const file of readdirSync(t.dataDir)) {
      expect(readFileSync(join(t.dataDir, file)).includes(key)).toBe(false);
    }
  });

  it('refuses to revoke the last admin key in use, a key twice, and an unknown key', async () => {
    const keys = (await t.http().get('/admin/keys').expect(200)).body.items as {
      keyId: string;
      roles: string[];
    }[];
    const [admin] = keys.filter((k) => k.roles.includes('admin'));
    expect(problemOf(await t.http().delete(`/admin/keys/${admin!.keyId}`).expect(409)).code).toBe(
      'LAST_ADMIN_KEY',
    );
    const other = await issueKey(t, ['analyst']);
    await t.http().delete(`/admin/keys/${other.keyId}`).expect(204);
    expect(problemOf(await t.http().delete(`/admin/keys/${other.keyId}`).expect(409)).code).toBe(
      'KEY_ALREADY_REVOKED',
    );
    expect(problemOf(await t.http().delete(`/admin/keys/${randomUUID()}`).expect(404)).code).toBe(
      'KEY_NOT_FOUND',
    );
  });

  it('refuses a key without roles, with an unknown role, or service grants on another role', async () => {
    await t.http().post('/admin/keys').send({ name: 'x', roles: [] }).expect(400);
    await t
      .http()
      .post('/admin/keys')
      .send({ name: 'x', roles: ['root'] })
      .expect(400);
    const granted = await t
      .http()
      .post('/admin/keys')
      .send({ name: 'x', roles: ['sales'], commands: true });
    expect(granted.status).toBe(400);
    expect(problemOf(granted).errors).toEqual([expect.objectContaining({ field: 'commands' })]);
  });

  it('records the key as the actor, and the person a service key acts for beside it', async () => {
    const bridge = await issueKey(t, ['service'], { name: 'bridge', commands: true, actOnBehalf: true });
    const captured = await t
      .as(bridge.key)
      .post('/leads')
      .set('X-On-Behalf-Of', 'grace@example.com')
      .set('X-Actor', 'the-ceo')
      .send(lead())
      .expect(201);
    const [event] = await t.store.readStream(`lead-${captured.body.id}`);
    expect(event!.metadata).toMatchObject({
      actor: 'bridge',
      actorKeyId: bridge.keyId,
      onBehalfOf: 'grace@example.com',
    });
    expect(JSON.stringify(event!.metadata)).not.toContain('the-ceo');

    // Only a key issued with actOnBehalf may name someone; a refused command writes nothing.
    const sales = await issueKey(t, ['sales']);
    const before = await t.store.headPosition();
    const refused = await t.as(sales.key).post('/leads').set('X-On-Behalf-Of', 'someone').send(lead());
    expect(refused.status).toBe(403);
    expect(problemOf(refused).code).toBe('ON_BEHALF_NOT_ALLOWED');
    expect(await t.store.headPosition()).toBe(before);
  });

  it('shows the personal fields of leads to sales, admins and auditors, masked to analysts and plain services', async () => {
    const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
    const analyst = await issueKey(t, ['analyst']);
    const service = await issueKey(t, ['service']);
    const trusted = await issueKey(t, ['service'], { personalData: true });
    const auditor = await issueKey(t, ['auditor']);
    const seen = async (key: string) => (await t.as(key).get(`/leads/${leadId}`).expect(200)).body;
    expect(await seen(auditor.key)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(await seen(trusted.key)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    for (const key of [analyst.key, service.key]) {
      expect(await seen(key)).toMatchObject({
        leadId,
        name: '***',
        email: '***',
        company: '***',
        source: 'web_form',
      });
      const page = (await t.as(key).get('/leads?limit=100').expect(200)).body.items as { email: string }[];
      expect(page.every((item) => item.email === '***')).toBe(true);
    }
    // The event stream too, for a service key without personalData.
    const events = async (key: string) =>
      (
        await t
          .as(key)
          .get('/events?types=LeadCaptured&limit=1000')
          .set('accept', 'application/json')
          .expect(200)
      ).body.events as { data: { leadId: string; email: string } }[];
    const masked = (await events(service.key)).find((e) => e.data.leadId === leadId);
    expect(masked?.data).toMatchObject({ name: '***', email: '***', source: 'web_form' });
    const clear = (await events(trusted.key)).find((e) => e.data.leadId === leadId);
    expect(clear?.data).toMatchObject({ email: 'ada@example.com' });
  });

  it('refuses If-Match on a capture unless it says the lead must not exist yet', async () => {
    const before = await t.store.headPosition();
    await t.http().post('/leads').set('If-Match', '"3"').send(lead()).expect(412);
    expect(await t.store.headPosition()).toBe(before);
    await t.http().post('/leads').set('If-Match', '"-1"').send(lead()).expect(201);
  });
});

describe('The first admin key', () => {
  it('is made by the first start without ADMIN_API_KEY, written to DATA_DIR/admin-api-key for its owner only', async () => {
    let t = await startApp(undefined, { ADMIN_API_KEY: '' });
    const dataDir = t.dataDir;
    try {
      const file = join(dataDir, 'admin-api-key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const secret = readFileSync(file, 'utf8').trim();
      await t.as(secret).get('/admin/keys').expect(200);
      await t.close();
      // A second start on the same data directory makes no other key.
      t = await startApp(dataDir, { ADMIN_API_KEY: '' });
      const keys = (await t.as(secret).get('/admin/keys').expect(200)).body.items as unknown[];
      expect(keys).toHaveLength(1);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });
});

describe('Revocation across API processes on one data directory', () => {
  let dir: string;
  let first: ServiceProcess;
  let second: ServiceProcess;
  beforeAll(async () => {
    dir = newDataDir();
    first = await startService({ DATA_DIR: dir });
    second = await startService({ DATA_DIR: dir, RUN_PROJECTIONS: 'false' });
  });
  afterAll(async () => {
    await Promise.all([stopService(first), stopService(second)]);
    removeDataDir(dir);
  });

  it('a key issued on one process works on the other, and stops working there as soon as it is revoked', async () => {
    const { key, keyId } = await callService(first, 'POST', '/admin/keys', {
      name: 'roaming',
      roles: ['sales'],
    });
    const asKey = (service: ServiceProcess) =>
      fetch(`${service.url}/pipelines`, { headers: { authorization: `Bearer ${String(key)}` } });
    expect((await asKey(second)).status).toBe(200);
    const revoked = await fetch(`${first.url}/admin/keys/${String(keyId)}`, {
      method: 'DELETE',
      headers: ADMIN_AUTHORIZATION,
    });
    expect(revoked.status).toBe(204);
    // The process that revoked refuses the key at once; the other within a second (it remembers what a key
    // authenticated for half a second).
    expect((await asKey(first)).status).toBe(401);
    const deadline = Date.now() + 1_000;
    let status = (await asKey(second)).status;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await asKey(second)).status;
    }
    expect(status).toBe(401);
  });
});

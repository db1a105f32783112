import { EventSource } from 'eventsource';
import { issueKey, lead, removeDataDir, startApp, type TestApp } from './support/test-app';
import { until } from './support/waiting';

/** GET /me and GET /changes: what a signed-in page needs to know about its key, and when to refresh. */

interface Notice {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** A real EventSource on GET /changes with the key. */
function follow(url: string, key: string): { notices: Notice[]; opened: () => boolean; close: () => void } {
  const notices: Notice[] = [];
  let opened = false;
  const source = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${key}` } }),
  });
  source.addEventListener('open', () => (opened = true));
  source.addEventListener('change', (event) =>
    notices.push({ id: event.lastEventId, type: event.type, data: JSON.parse(event.data) }),
  );
  return { notices, opened: () => opened, close: () => source.close() };
}

describe('GET /me and GET /changes', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startApp();
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address();
    if (address === null || typeof address === 'string') throw new Error('not listening on a port');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('GET /me names the key, its roles and what the access matrix allows it', async () => {
    const analyst = await issueKey(t, ['analyst'], { name: 'ann' });
    expect((await t.as(analyst.key).get('/me').expect(200)).body).toEqual({
      keyId: analyst.keyId,
      name: 'ann',
      roles: ['analyst'],
      commands: false,
      personalData: false,
      allows: ['reads', 'analytics'],
      personalDataInClear: false,
    });
    const sales = await issueKey(t, ['sales'], { name: 'sam' });
    const me = (await t.as(sales.key).get('/me').expect(200)).body;
    expect(me).toMatchObject({ roles: ['sales'], personalDataInClear: true });
    expect(me.allows).toEqual(['commands', 'reads', 'histories', 'analytics']);
    await t.as(null).get('/me').expect(401);
  });

  it('tells any reader, an analyst too, of each new event: where, what and its position, never its data', async () => {
    const before = (
      await t
        .http()
        .post('/leads')
        .send(lead({ email: 'before@example.com' }))
        .expect(201)
    ).body;
    const analyst = await issueKey(t, ['analyst']);
    const follower = follow(`${base}/changes`, analyst.key);
    try {
      await until(follower.opened, 'the stream to open');
      const captured = (
        await t
          .http()
          .post('/leads')
          .send(lead({ email: 'after@example.com' }))
          .expect(201)
      ).body as { id: string; position: string };
      await until(() => follower.notices.length > 0, 'a notice');
      // Only what was appended after it connected: not the earlier capture, nor the analyst's key.
      expect(follower.notices).toEqual([
        {
          id: captured.position,
          type: 'change',
          data: { position: captured.position, streamId: `lead-${captured.id}`, type: 'LeadCaptured' },
        },
      ]);
      expect(JSON.stringify(follower.notices)).not.toContain('after@example.com');
      expect(before.position < captured.position).toBe(true);
    } finally {
      follower.close();
    }
  });

  it('starts after a given position, and refuses a malformed one before any stream', async () => {
    const first = (
      await t
        .http()
        .post('/leads')
        .send(lead({ email: 'one@example.com' }))
        .expect(201)
    ).body;
    const second = (
      await t
        .http()
        .post('/leads')
        .send(lead({ email: 'two@example.com' }))
        .expect(201)
    ).body;
    const follower = follow(`${base}/changes?after=${first.position}`, (await issueKey(t, ['sales'])).key);
    try {
      await until(() => follower.notices.some((n) => n.id === second.position), 'the second capture');
      expect(follower.notices[0]!.id).toBe(second.position);
    } finally {
      follower.close();
    }
    const refused = await t.http().get('/changes?after=soon').expect(400);
    expect(refused.body.errors).toEqual([{ field: 'after', reason: expect.stringContaining('position') }]);
  });
});

import { randomUUID } from 'node:crypto';
import { issueKey, lead, qualification, removeDataDir, startApp, type TestApp } from './support/test-app';

describe('Idempotency-Key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('a retried capture without a lead id returns the first answer and captures one lead', async () => {
    const key = randomUUID();
    const first = await t.http().post('/leads').set('Idempotency-Key', key).send(lead()).expect(201);
    const head = await t.store.headPosition();
    const retry = await t.http().post('/leads').set('Idempotency-Key', key).send(lead()).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    expect(await t.store.headPosition()).toBe(head);
  });

  it('the same body with its keys in another order is the same request', async () => {
    const key = randomUUID();
    const body = lead();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await t.http().post('/leads').set('Idempotency-Key', key).send(body).expect(201);
    const retry = await t.http().post('/leads').set('Idempotency-Key', key).send(reordered).expect(201);
    expect(retry.body).toEqual(first.body);
  });

  it('a retried command that would now be refused still gets its first answer', async () => {
    const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
    const key = randomUUID();
    const first = await t
      .http()
      .post(`/leads/${leadId}/qualify`)
      .set('Idempotency-Key', key)
      .send(qualification())
      .expect(200);
    // Without the key this would be LEAD_ALREADY_QUALIFIED.
    const retry = await t
      .http()
      .post(`/leads/${leadId}/qualify`)
      .set('Idempotency-Key', key)
      .send(qualification())
      .expect(200);
    expect(retry.body).toEqual(first.body);
    expect(await t.store.readStream(`lead-${leadId}`)).toHaveLength(2);
    await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(409);
  });

  it('the first answer stays the answer after other commands changed the aggregate', async () => {
    const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
    await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
    const key = randomUUID();
    const body = {
      leadId,
      title: 'x',
      value: { amount: 5, currency: 'EUR' },
      expectedCloseDate: '2026-12-31',
    };
    const created = await t.http().post('/deals').set('Idempotency-Key', key).send(body).expect(201);
    await t.http().post(`/deals/${created.body.id}/advance`).send({ stage: 'demo' }).expect(200);
    const retry = await t.http().post('/deals').set('Idempotency-Key', key).send(body).expect(201);
    expect(retry.body).toEqual(created.body);
  });

  it('concurrent retries with one key write once and all get the same answer', async () => {
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.http().post('/leads').set('Idempotency-Key', key).send(lead())),
    );
    responses.forEach((r) => {
      expect(r.status).toBe(201);
      expect(r.body).toEqual(responses[0]!.body);
    });
    expect(await t.store.readStream(`lead-${responses[0]!.body.id}`)).toHaveLength(1);
  });

  it('a key is scoped to its lead, like the path: on another lead it is another request, on either store', async () => {
    const key = randomUUID();
    const a = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
    const b = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
    const first = await t
      .http()
      .post(`/leads/${a}/disqualify`)
      .set('Idempotency-Key', key)
      .send({ reason: 'spam' })
      .expect(200);
    const other = await t
      .http()
      .post(`/leads/${b}/disqualify`)
      .set('Idempotency-Key', key)
      .send({ reason: 'spam' })
      .expect(200);
    expect(other.body).toMatchObject({ id: b, revision: 1 });
    expect((await t.http().get(`/leads/${b}`).expect(200)).body.status).toBe('disqualified');
    const head = await t.store.headPosition();
    // Each retry is still recognised on its own lead, and a different body under the key there is 422.
    const retry = await t
      .http()
      .post(`/leads/${a}/disqualify`)
      .set('Idempotency-Key', key)
      .send({ reason: 'spam' });
    expect(retry.body).toEqual(first.body);
    const reused = await t
      .http()
      .post(`/leads/${a}/disqualify`)
      .set('Idempotency-Key', key)
      .send({ reason: 'duplicate' });
    expect(reused.status).toBe(422);
    expect(await t.store.headPosition()).toBe(head);
  });

  it('the key is kept with the events, so a retry after a restart still gets the first answer', async () => {
    const key = randomUUID();
    const first = await t.http().post('/leads').set('Idempotency-Key', key).send(lead()).expect(201);
    await t.close();
    t = await startApp(t.dataDir);
    const retry = await t.http().post('/leads').set('Idempotency-Key', key).send(lead()).expect(201);
    expect(retry.body).toEqual(first.body);
    const [event] = await t.store.readStream(`lead-${first.body.id}`);
    // Kept scoped to the API key that sent it.
    expect(event!.metadata['idempotencyKey']).toBe(`${String(event!.metadata['actorKeyId'])}/${key}`);
  });

  it("is scoped to the API key that sends it: another client's key neither replays its answer nor reveals it", async () => {
    const key = randomUUID();
    const first = await t.http().post('/leads').set('Idempotency-Key', key).send(lead()).expect(201);
    // Another body under the same key from another client is not 422: nothing tells them the key was used.
    const alice = await issueKey(t, ['sales']);
    const theirs = await t
      .as(alice.key)
      .post('/leads')
      .set('Idempotency-Key', key)
      .send(lead({ name: 'Someone else' }))
      .expect(201);
    expect(theirs.body.id).not.toBe(first.body.id);
    // The same key and body from a third client is another request too: a lead of its own, not a replay.
    const bob = await issueKey(t, ['sales']);
    const again = await t.as(bob.key).post('/leads').set('Idempotency-Key', key).send(lead()).expect(201);
    expect(again.body.id).not.toBe(first.body.id);
  });
});

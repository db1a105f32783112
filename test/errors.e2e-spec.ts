import { randomUUID } from 'node:crypto';
import { lead, openDeal, qualification, refused as refusedBy, useApp } from './support/test-app';

describe('Errors: every refusal is problem+json, names the field or the rule, and writes nothing', () => {
  const t = useApp({ BODY_LIMIT: '2048' });

  const refused = (send: Parameters<typeof refusedBy>[1], status: number) => refusedBy(t, send, status);

  async function capturedLead(): Promise<string> {
    return (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
  }

  describe('400', () => {
    it('malformed JSON', async () => {
      const problem = await refused(
        () => t.http().post('/leads').set('Content-Type', 'application/json').send('{"name": "Ada",'),
        400,
      );
      expect(problem.detail).toMatch(/not valid JSON/);
    });

    it('a body that is not an object', async () => {
      const problem = await refused(() => t.http().post('/leads').send([lead()]), 400);
      expect(problem.errors).toEqual([{ field: 'body', reason: 'must be a JSON object' }]);
    });

    it('a missing field, an invalid field and an unknown field, each named', async () => {
      const problem = await refused(
        () => t.http().post('/leads').send({ email: 'not-an-email', source: 'Web Form', colour: 'blue' }),
        400,
      );
      const fields = problem.errors!.map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'email', 'source', 'colour']));
      expect(problem.errors).toContainEqual({ field: 'colour', reason: 'is not a known field' });
      expect(problem.errors).toContainEqual({ field: 'email', reason: 'email must be an email address' });
    });

    it('nested money fields by their path', async () => {
      const leadId = await capturedLead();
      const problem = await refused(
        () =>
          t
            .http()
            .post(`/leads/${leadId}/qualify`)
            .send(qualification({ budget: { amount: 12.5, currency: 'EURO' }, timeline: '2026-02-30' })),
        400,
      );
      const fields = problem.errors!.map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['budget.amount', 'budget.currency', 'timeline']));
    });

    it('null where a value is optional', async () => {
      const problem = await refused(
        () =>
          t
            .http()
            .post('/leads')
            .send(lead({ company: null })),
        400,
      );
      expect(problem.errors!.map((e) => e.field)).toEqual(['company']);
    });

    it('a stage outside the pipeline and a disqualification reason outside the list', async () => {
      const dealId = await openDeal(t);
      await refused(() => t.http().post(`/deals/${dealId}/advance`).send({ stage: 'closing' }), 400);
      const leadId = await capturedLead();
      await refused(() => t.http().post(`/leads/${leadId}/disqualify`).send({ reason: 'bored' }), 400);
    });

    it('a lost deal without a reason', async () => {
      const dealId = await openDeal(t);
      const problem = await refused(() => t.http().post(`/deals/${dealId}/lose`).send({}), 400);
      expect(problem.errors!.map((e) => e.field)).toEqual(['reason']);
    });

    it('an id in the path that is not a UUID', async () => {
      const problem = await refused(() => t.http().post('/leads/42/qualify').send(qualification()), 400);
      expect(problem.errors).toEqual([{ field: 'leadId', reason: 'must be a UUID' }]);
      await refused(() => t.http().get('/deals/not-a-uuid'), 400);
    });

    it('malformed headers: If-Match, X-On-Behalf-Of, X-Correlation-Id, Idempotency-Key', async () => {
      const leadId = await capturedLead();
      const ifMatch = await refused(
        () => t.http().post(`/leads/${leadId}/qualify`).set('If-Match', 'yesterday').send(qualification()),
        400,
      );
      expect(ifMatch.errors![0]!.field).toBe('If-Match');
      const actor = await refused(
        () => t.http().post('/leads').set('X-On-Behalf-Of', 'x'.repeat(201)).send(lead()),
        400,
      );
      expect(actor.errors![0]!.field).toBe('X-On-Behalf-Of');
      const correlation = await refused(
        () => t.http().post('/leads').set('X-Correlation-Id', 'has spaces in it').send(lead()),
        400,
      );
      expect(correlation.errors![0]!.field).toBe('X-Correlation-Id');
      const key = await refused(
        () => t.http().post('/leads').set('Idempotency-Key', 'k'.repeat(300)).send(lead()),
        400,
      );
      expect(key.errors![0]!.field).toBe('Idempotency-Key');
    });

    it('prototype pollution attempts', async () => {
      const problem = await refused(
        () =>
          t
            .http()
            .post('/leads')
            .set('Content-Type', 'application/json')
            .send('{"name":"Ada","email":"a@b.co","source":"web","__proto__":{"admin":true}}'),
        400,
      );
      // Refused as the unknown field it is, not as malformed JSON (test/fuzz.e2e-spec.ts has the others).
      expect(problem.errors).toEqual([{ field: '__proto__', reason: 'is not a known field' }]);
    });
  });

  describe('404', () => {
    it('commands and queries on a lead or deal that does not exist', async () => {
      const problem = await refused(
        () => t.http().post(`/leads/${randomUUID()}/qualify`).send(qualification()),
        404,
      );
      expect(problem.code).toBe('LEAD_NOT_FOUND');
      expect((await refused(() => t.http().post(`/deals/${randomUUID()}/win`).send({}), 404)).code).toBe(
        'DEAL_NOT_FOUND',
      );
      await refused(() => t.http().get(`/leads/${randomUUID()}`), 404);
      await refused(() => t.http().get(`/deals/${randomUUID()}`), 404);
    });

    it('a deal for a lead that does not exist', async () => {
      const problem = await refused(
        () =>
          t
            .http()
            .post('/deals')
            .send({
              leadId: randomUUID(),
              title: 'x',
              value: { amount: 1, currency: 'EUR' },
              expectedCloseDate: '2026-12-31',
            }),
        404,
      );
      expect(problem.code).toBe('LEAD_NOT_FOUND');
    });

    it('a path that is not a route', async () => {
      expect((await refused(() => t.http().get('/opportunities'), 404)).code).toBe('NOT_FOUND');
    });
  });

  describe('409: the rule that forbids it is named', () => {
    it('a lead captured twice', async () => {
      const leadId = randomUUID();
      await t.http().post('/leads').send(lead({ leadId })).expect(201);
      const problem = await refused(() => t.http().post('/leads').send(lead({ leadId })), 409);
      expect(problem.code).toBe('LEAD_ALREADY_EXISTS');
    });

    it('a lead qualified twice, or disqualified after qualification', async () => {
      const leadId = await capturedLead();
      await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
      expect(
        (await refused(() => t.http().post(`/leads/${leadId}/qualify`).send(qualification()), 409)).code,
      ).toBe('LEAD_ALREADY_QUALIFIED');
      expect(
        (await refused(() => t.http().post(`/leads/${leadId}/disqualify`).send({ reason: 'spam' }), 409))
          .code,
      ).toBe('LEAD_ALREADY_QUALIFIED');
    });

    it('a deal for a lead that is not qualified, and a second deal for a lead', async () => {
      const leadId = await capturedLead();
      const body = {
        leadId,
        title: 'x',
        value: { amount: 1, currency: 'EUR' },
        expectedCloseDate: '2026-12-31',
      };
      expect((await refused(() => t.http().post('/deals').send(body), 409)).code).toBe('LEAD_NOT_QUALIFIED');
      await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
      await t.http().post('/deals').send(body).expect(201);
      expect((await refused(() => t.http().post('/deals').send(body), 409)).code).toBe('DEAL_ALREADY_EXISTS');
    });

    it('a stage move backwards or to the same stage', async () => {
      const dealId = await openDeal(t);
      await t.http().post(`/deals/${dealId}/advance`).send({ stage: 'proposal' }).expect(200);
      expect(
        (await refused(() => t.http().post(`/deals/${dealId}/advance`).send({ stage: 'demo' }), 409)).code,
      ).toBe('STAGE_NOT_FORWARD');
      await refused(() => t.http().post(`/deals/${dealId}/advance`).send({ stage: 'proposal' }), 409);
    });

    it('anything on a closed deal', async () => {
      const dealId = await openDeal(t);
      await t.http().post(`/deals/${dealId}/lose`).send({ reason: 'timing' }).expect(200);
      for (const [path, body] of [
        ['win', {}],
        ['lose', { reason: 'again' }],
        ['advance', { stage: 'demo' }],
      ] as const) {
        expect((await refused(() => t.http().post(`/deals/${dealId}/${path}`).send(body), 409)).code).toBe(
          'DEAL_ALREADY_CLOSED',
        );
      }
    });
  });

  it('412: If-Match that is not the current revision', async () => {
    const leadId = await capturedLead();
    const problem = await refused(
      () => t.http().post(`/leads/${leadId}/qualify`).set('If-Match', '"3"').send(qualification()),
      412,
    );
    expect(problem.code).toBe('REVISION_MISMATCH');
    await t.http().post(`/leads/${leadId}/qualify`).set('If-Match', '"0"').send(qualification()).expect(200);
  });

  it('413: a body larger than the limit', async () => {
    const problem = await refused(
      () =>
        t
          .http()
          .post('/leads')
          .send(lead({ interest: 'x'.repeat(4096) })),
      413,
    );
    expect(problem.detail).toMatch(/larger than the limit/);
  });

  it('415: a body that is not JSON', async () => {
    await refused(() => t.http().post('/leads').set('Content-Type', 'text/plain').send('name=Ada'), 415);
    await refused(
      () => t.http().post('/leads').set('Content-Type', 'application/x-www-form-urlencoded').send('name=Ada'),
      415,
    );
  });

  it('422: an idempotency key reused with another body', async () => {
    const key = randomUUID();
    await t.http().post('/leads').set('Idempotency-Key', key).send(lead()).expect(201);
    const problem = await refused(
      () =>
        t
          .http()
          .post('/leads')
          .set('Idempotency-Key', key)
          .send(lead({ name: 'Someone Else' })),
      422,
    );
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('echoes the correlation id on errors too', async () => {
    const response = await t.http().get(`/leads/${randomUUID()}`).set('X-Correlation-Id', 'trace-7');
    expect(response.status).toBe(404);
    expect(response.headers['x-correlation-id']).toBe('trace-7');
  });
});

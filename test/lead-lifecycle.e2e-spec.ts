import { randomUUID } from 'node:crypto';
import {
  issueKey,
  lead,
  qualification,
  type TestApp,
  useApp,
  refused,
  momentBetween,
} from './support/test-app';

async function capture(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await t.http().post('/leads').send(lead(overrides)).expect(201)).body.id as string;
}

/** The events of a lead's stream after revision `from`, as type and data. */
async function leadEvents(t: TestApp, leadId: string, from = -1) {
  return (await t.store.readStream(`lead-${leadId}`))
    .filter((e) => e.revision > from)
    .map((e) => ({ type: e.type, data: e.data }));
}

describe('The life of a lead: corrections, owner, reactivation', () => {
  const t = useApp();

  describe('PATCH /leads/{leadId}', () => {
    it('writes one event per changed field, with from and to, in one append', async () => {
      const leadId = await capture(t, {
        phone: '+1 555 0100',
        interest: 'forecasting',
        tags: ['enterprise'],
      });
      const grace = await issueKey(t, ['sales'], { name: 'grace.sales' });
      const patched = await t
        .as(grace.key)
        .patch(`/leads/${leadId}`)
        .send({
          name: 'Ada King',
          email: 'ada.king@example.com',
          phone: '+1 555 0199',
          company: 'Analytical Engines plc',
          interest: 'reporting',
          tags: ['hot', 'enterprise'],
          owner: 'grace',
        })
        .expect(200);
      expect(patched.body).toEqual({ id: leadId, revision: 7, position: expect.any(String) });
      expect(patched.headers['etag']).toBe('"7"');

      const corrected = { leadId, correctedAt: expect.any(String) };
      const change = { leadId, changedAt: expect.any(String) };
      expect(await leadEvents(t, leadId, 0)).toEqual([
        {
          type: 'LeadContactCorrected',
          data: { ...corrected, field: 'name', from: 'Ada Lovelace', to: 'Ada King' },
        },
        {
          type: 'LeadContactCorrected',
          data: { ...corrected, field: 'email', from: 'ada@example.com', to: 'ada.king@example.com' },
        },
        {
          type: 'LeadContactCorrected',
          data: { ...corrected, field: 'phone', from: '+1 555 0100', to: '+1 555 0199' },
        },
        {
          type: 'LeadContactCorrected',
          data: {
            ...corrected,
            field: 'company',
            from: 'Analytical Engines Ltd',
            to: 'Analytical Engines plc',
          },
        },
        { type: 'LeadInterestChanged', data: { ...change, from: 'forecasting', to: 'reporting' } },
        { type: 'LeadTagsChanged', data: { ...change, from: ['enterprise'], to: ['hot', 'enterprise'] } },
        { type: 'LeadOwnerChanged', data: { ...change, from: null, to: 'grace' } },
      ]);
      const stored = (await t.store.readStream(`lead-${leadId}`)).slice(1);
      const last = BigInt(patched.body.position);
      expect(stored.map((e) => e.position)).toEqual([6n, 5n, 4n, 3n, 2n, 1n, 0n].map((n) => last - n));
      expect(new Set(stored.map((e) => e.metadata.causationId)).size).toBe(1);
      stored.forEach((e) => expect(e.metadata.actor).toBe('grace.sales'));

      const got = await t.http().get(`/leads/${leadId}`).expect(200);
      expect(got.headers['etag']).toBe('"7"');
      expect(got.body).toMatchObject({
        leadId,
        status: 'captured',
        name: 'Ada King',
        email: 'ada.king@example.com',
        phone: '+1 555 0199',
        company: 'Analytical Engines plc',
        interest: 'reporting',
        tags: ['hot', 'enterprise'],
        owner: 'grace',
        revision: 7,
      });
    });

    it('only what changes; null clears phone, company, interest and owner; nothing at all writes nothing', async () => {
      const leadId = await capture(t, { phone: '+1 555 0100', interest: 'forecasting' });
      await t.http().patch(`/leads/${leadId}`).send({ owner: 'ada' }).expect(200);
      const cleared = await t
        .http()
        .patch(`/leads/${leadId}`)
        .send({
          name: 'Ada Lovelace',
          phone: null,
          company: null,
          interest: null,
          owner: null,
          tags: ['enterprise'],
        })
        .expect(200);
      expect(cleared.body).toMatchObject({ revision: 5 });
      const corrected = { leadId, correctedAt: expect.any(String) };
      const change = { leadId, changedAt: expect.any(String) };
      expect(await leadEvents(t, leadId, 1)).toEqual([
        {
          type: 'LeadContactCorrected',
          data: { ...corrected, field: 'phone', from: '+1 555 0100', to: null },
        },
        {
          type: 'LeadContactCorrected',
          data: { ...corrected, field: 'company', from: 'Analytical Engines Ltd', to: null },
        },
        { type: 'LeadInterestChanged', data: { ...change, from: 'forecasting', to: null } },
        { type: 'LeadOwnerChanged', data: { ...change, from: 'ada', to: null } },
      ]);
      expect((await t.http().get(`/leads/${leadId}`).expect(200)).body).toMatchObject({
        phone: null,
        company: null,
        interest: null,
        owner: null,
        revision: 5,
      });

      const head = await t.store.headPosition();
      for (const body of [{}, { name: 'Ada Lovelace', phone: null, owner: null, tags: ['enterprise'] }]) {
        const same = await t.http().patch(`/leads/${leadId}`).send(body).expect(200);
        expect(same.body).toEqual(cleared.body);
        expect(same.headers['etag']).toBe('"5"');
      }
      expect(await t.store.headPosition()).toBe(head);
    });

    it('corrects a qualified or disqualified lead too; If-Match 412 when it moved on', async () => {
      const qualified = await capture(t);
      await t.http().post(`/leads/${qualified}/qualify`).send(qualification()).expect(200);
      await t.http().patch(`/leads/${qualified}`).send({ owner: 'grace' }).expect(200);
      const disqualified = await capture(t);
      await t.http().post(`/leads/${disqualified}/disqualify`).send({ reason: 'spam' }).expect(200);
      await t.http().patch(`/leads/${disqualified}`).send({ company: 'Spam Inc' }).expect(200);
      expect((await t.http().get(`/leads/${qualified}`).expect(200)).body).toMatchObject({
        status: 'qualified',
        owner: 'grace',
      });
      expect((await t.http().get(`/leads/${disqualified}`).expect(200)).body).toMatchObject({
        status: 'disqualified',
        company: 'Spam Inc',
      });

      const stale = await refused(
        t,
        () => t.http().patch(`/leads/${qualified}`).set('If-Match', '"1"').send({ owner: 'ada' }),
        412,
      );
      expect(stale.code).toBe('REVISION_MISMATCH');
      await t.http().patch(`/leads/${qualified}`).set('If-Match', '"2"').send({ owner: 'ada' }).expect(200);
    });

    it.each([
      ['a null name', { name: null }, 'name'],
      ['a null email', { email: null }, 'email'],
      ['an email that is not one', { email: 'ada-at-example' }, 'email'],
      ['a blank company', { company: ' ' }, 'company'],
      ['a phone too long', { phone: '1'.repeat(51) }, 'phone'],
      ['null tags', { tags: null }, 'tags'],
      ['a tag that is not a slug', { tags: ['Hot Lead'] }, 'tags'],
      ['more than 20 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
      ['a blank owner', { owner: '' }, 'owner'],
      ['an owner as a number', { owner: 7 }, 'owner'],
      ['a source (set once, at capture)', { source: 'referral' }, 'source'],
      ['a status', { status: 'qualified' }, 'status'],
    ])('400 for a PATCH with %s', async (_, body, field) => {
      const leadId = await capture(t);
      const problem = await refused(t, () => t.http().patch(`/leads/${leadId}`).send(body), 400);
      expect(problem.errors!.map((e) => e.field)).toEqual([field]);
    });

    it('404 for an unknown lead, 400 for a bad id', async () => {
      expect(
        (await refused(t, () => t.http().patch(`/leads/${randomUUID()}`).send({ owner: 'x' }), 404)).code,
      ).toBe('LEAD_NOT_FOUND');
      expect((await refused(t, () => t.http().patch('/leads/7').send({ owner: 'x' }), 400)).errors).toEqual([
        { field: 'leadId', reason: 'must be a UUID' },
      ]);
    });

    it('lists leads by owner once the read models include the change', async () => {
      const mine = await capture(t, { name: 'Mine' });
      const theirs = await capture(t, { name: 'Theirs' });
      await t.http().patch(`/leads/${mine}`).send({ owner: 'owner-list-a' }).expect(200);
      const last = await t.http().patch(`/leads/${theirs}`).send({ owner: 'owner-list-b' }).expect(200);
      const names = async (owner: string, position: string) =>
        (await t.http().get(`/leads?owner=${owner}&minPosition=${position}`).expect(200)).body.items.map(
          (l: { name: string; owner: string }) => [l.name, l.owner],
        );
      expect(await names('owner-list-a', last.body.position)).toEqual([['Mine', 'owner-list-a']]);
      expect(await names('owner-list-b', last.body.position)).toEqual([['Theirs', 'owner-list-b']]);
      const handedOver = await t.http().patch(`/leads/${mine}`).send({ owner: 'owner-list-b' }).expect(200);
      expect(await names('owner-list-a', handedOver.body.position)).toEqual([]);
      expect(await names('owner-list-b', handedOver.body.position)).toEqual([
        ['Theirs', 'owner-list-b'],
        ['Mine', 'owner-list-b'],
      ]);
      const combined = await t
        .http()
        .get(`/leads?owner=owner-list-b&status=captured&source=web_form`)
        .expect(200);
      expect(combined.body.items).toHaveLength(2);
    });
  });

  describe('POST /leads/{leadId}/reactivate', () => {
    it('a disqualified lead is open again, can be qualified, and its history says so', async () => {
      const leadId = await capture(t, { source: 'trade_show' });
      await t
        .http()
        .post(`/leads/${leadId}/disqualify`)
        .send({ reason: 'no_budget', note: 'next year' })
        .expect(200);
      const whileDisqualified = await momentBetween();
      const grace = await issueKey(t, ['sales'], { name: 'grace.sales' });
      const reactivated = await t
        .as(grace.key)
        .post(`/leads/${leadId}/reactivate`)
        .send({ reason: 'budget approved' })
        .expect(200);
      expect(reactivated.body).toEqual({ id: leadId, revision: 2, position: expect.any(String) });
      expect(reactivated.headers['etag']).toBe('"2"');
      expect(await leadEvents(t, leadId, 1)).toEqual([
        {
          type: 'LeadReactivated',
          data: { leadId, reason: 'budget approved', reactivatedAt: expect.any(String) },
        },
      ]);
      expect((await t.http().get(`/leads/${leadId}`).expect(200)).body).toMatchObject({
        status: 'captured',
        disqualification: null,
        revision: 2,
      });
      const listed = await t
        .http()
        .get(`/leads?status=captured&minPosition=${reactivated.body.position}`)
        .expect(200);
      expect(listed.body.items.map((l: { leadId: string }) => l.leadId)).toContain(leadId);

      // As of before the reactivation: disqualified.
      const then = await t
        .http()
        .get(`/leads/${leadId}?asOf=${encodeURIComponent(whileDisqualified)}`)
        .expect(200);
      expect(then.body).toMatchObject({
        status: 'disqualified',
        disqualification: { reason: 'no_budget', note: 'next year' },
        revision: 1,
      });

      // Worked again: it may be disqualified anew, reactivated again, then qualified.
      const funnel = async (position: string) =>
        (await t.http().get(`/analytics/funnel?source=trade_show&minPosition=${position}`).expect(200)).body
          .sources[0];
      expect(await funnel(reactivated.body.position)).toMatchObject({
        captured: 1,
        qualified: 0,
        disqualified: 0,
      });
      const again = await t
        .http()
        .post(`/leads/${leadId}/disqualify`)
        .send({ reason: 'unreachable' })
        .expect(200);
      expect(await funnel(again.body.position)).toMatchObject({ captured: 1, qualified: 0, disqualified: 1 });
      await t.http().post(`/leads/${leadId}/reactivate`).send({ reason: 'called back' }).expect(200);
      await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
      const owned = await t.http().patch(`/leads/${leadId}`).send({ owner: 'grace' }).expect(200);
      expect(await funnel(owned.body.position)).toEqual({
        source: 'trade_show',
        captured: 1,
        qualified: 1,
        disqualified: 0,
        dealsCreated: 0,
        won: 0,
        lost: 0,
        wonValues: [],
        rates: { qualification: 1, leadToDeal: 0, win: null, leadToWon: 0 },
      });

      const history = await t.http().get(`/leads/${leadId}/history`).expect(200);
      expect(history.body.integrity).toEqual({ verified: true, brokenAt: null });
      expect(
        (
          history.body.events as {
            revision: number;
            type: string;
            metadata: { actor: string };
            stateAfter: Record<string, unknown>;
          }[]
        ).map((e) => [
          e.revision,
          e.type,
          e.stateAfter['status'],
          e.stateAfter['owner'],
          e.stateAfter['revision'],
        ]),
      ).toEqual([
        [0, 'LeadCaptured', 'captured', null, 0],
        [1, 'LeadDisqualified', 'disqualified', null, 1],
        [2, 'LeadReactivated', 'captured', null, 2],
        [3, 'LeadDisqualified', 'disqualified', null, 3],
        [4, 'LeadReactivated', 'captured', null, 4],
        [5, 'LeadQualified', 'qualified', null, 5],
        [6, 'LeadOwnerChanged', 'qualified', 'grace', 6],
      ]);
      expect(history.body.events[2]).toMatchObject({
        data: { reason: 'budget approved' },
        metadata: { actor: 'grace.sales' },
        stateAfter: { disqualification: null },
      });
      expect(history.body.events[1].stateAfter.disqualification).toMatchObject({ reason: 'no_budget' });
      expect(history.body.events[6].data).toEqual({
        leadId,
        from: null,
        to: 'grace',
        changedAt: expect.any(String),
      });
    });

    it('refuses a lead that is not disqualified (409 LEAD_NOT_DISQUALIFIED), an unknown lead, a missing reason', async () => {
      const captured = await capture(t);
      expect(
        (await refused(t, () => t.http().post(`/leads/${captured}/reactivate`).send({ reason: 'why' }), 409))
          .code,
      ).toBe('LEAD_NOT_DISQUALIFIED');
      const qualified = await capture(t);
      await t.http().post(`/leads/${qualified}/qualify`).send(qualification()).expect(200);
      expect(
        (await refused(t, () => t.http().post(`/leads/${qualified}/reactivate`).send({ reason: 'why' }), 409))
          .code,
      ).toBe('LEAD_NOT_DISQUALIFIED');
      expect(
        (
          await refused(
            t,
            () => t.http().post(`/leads/${randomUUID()}/reactivate`).send({ reason: 'why' }),
            404,
          )
        ).code,
      ).toBe('LEAD_NOT_FOUND');
      const disqualified = await capture(t);
      await t.http().post(`/leads/${disqualified}/disqualify`).send({ reason: 'spam' }).expect(200);
      // A disqualified lead is not worked until it is reactivated.
      expect(
        (await refused(t, () => t.http().post(`/leads/${disqualified}/qualify`).send(qualification()), 409))
          .code,
      ).toBe('LEAD_ALREADY_DISQUALIFIED');
      for (const [body, field] of [
        [{}, 'reason'],
        [{ reason: null }, 'reason'],
        [{ reason: ' ' }, 'reason'],
        [{ reason: 'x'.repeat(501) }, 'reason'],
        [{ reason: 'ok', note: 'x' }, 'note'],
      ] as const) {
        const problem = await refused(
          t,
          () => t.http().post(`/leads/${disqualified}/reactivate`).send(body),
          400,
        );
        expect(problem.errors!.map((e) => e.field)).toEqual([field]);
      }
      await refused(
        t,
        () =>
          t.http().post(`/leads/${disqualified}/reactivate`).set('If-Match', '"0"').send({ reason: 'why' }),
        412,
      );
      await t
        .http()
        .post(`/leads/${disqualified}/reactivate`)
        .set('If-Match', '"1"')
        .send({ reason: 'why' })
        .expect(200);
    });
  });
});

describe('A reactivated lead and the automation', () => {
  const t = useApp({ AUTO_CREATE_DEALS: 'true' });

  it('gets its one deal once qualified after reactivation; disqualified, it got none', async () => {
    const leadId = await capture(t, { name: 'Katherine Johnson', company: 'Orbital' });
    const disqualified = await t
      .http()
      .post(`/leads/${leadId}/disqualify`)
      .send({ reason: 'no_budget' })
      .expect(200);
    expect(
      (await t.http().get(`/deals?leadId=${leadId}&minPosition=${disqualified.body.position}`).expect(200))
        .body.items,
    ).toEqual([]);
    await t.http().post(`/leads/${leadId}/reactivate`).send({ reason: 'budget approved' }).expect(200);
    const qualified = await t
      .http()
      .post(`/leads/${leadId}/qualify`)
      .send({ budget: { amount: 8_000_000, currency: 'USD' }, timeline: '2027-06-30' })
      .expect(200);
    const deals = await t
      .http()
      .get(`/deals?leadId=${leadId}&minPosition=${qualified.body.position}`)
      .expect(200);
    expect(deals.body.items).toEqual([
      expect.objectContaining({
        leadId,
        pipelineId: 'default',
        stage: 'qualification',
        value: { amount: 8_000_000, currency: 'USD' },
        expectedCloseDate: '2027-06-30',
        probability: 10,
        probabilityOverride: null,
      }),
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import { lead, openDeal, qualifiedLead, useApp } from './support/test-app';

describe('Concurrent commands', () => {
  const t = useApp();

  it('20 concurrent commands with one If-Match: exactly one succeeds, the others get 412', async () => {
    const dealId = await openDeal(t);
    const stages = ['demo', 'proposal', 'negotiation'];
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`/deals/${dealId}/advance`)
          .set('If-Match', '"0"')
          .send({ stage: stages[i % 3] }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    expect(await t.store.readStream(`deal-${dealId}`)).toHaveLength(2);
  });

  it('without If-Match, a command that loses a race is decided again on the new state', async () => {
    const dealId = await openDeal(t);
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => t.http().post(`/deals/${dealId}/win`).send({})),
      ...Array.from({ length: 10 }, () => t.http().post(`/deals/${dealId}/lose`).send({ reason: 'race' })),
    ]);
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 409);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(19);
    refused.forEach((r) => expect(r.body.code).toBe('DEAL_ALREADY_CLOSED'));
    expect((await t.store.readStream(`deal-${dealId}`)).map((e) => e.type).slice(1)).toHaveLength(1);
  });

  it('without If-Match, concurrent moves to different stages all apply when each is still forward', async () => {
    const dealId = await openDeal(t);
    // demo then proposal then negotiation are each forward of the one before, whichever order they land in,
    // unless a later stage landed first; every answer is a success or the STAGE_NOT_FORWARD rule.
    const responses = await Promise.all(
      ['demo', 'proposal', 'negotiation'].map((stage) =>
        t.http().post(`/deals/${dealId}/advance`).send({ stage }),
      ),
    );
    responses.forEach((r) => expect([200, 409]).toContain(r.status));
    const events = await t.store.readStream(`deal-${dealId}`);
    expect(events).toHaveLength(1 + responses.filter((r) => r.status === 200).length);
    expect((await t.http().get(`/deals/${dealId}`)).body.stage).toBe('negotiation');
  });

  it('at most one deal per lead, however many requests race to create it', async () => {
    const leadId = await qualifiedLead(t);
    const responses = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        t
          .http()
          .post('/deals')
          .send({
            leadId,
            title: `Deal ${i}`,
            value: { amount: 1000 + i, currency: 'EUR' },
            expectedCloseDate: '2026-12-31',
          }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    responses.filter((r) => r.status !== 201).forEach((r) => expect(r.body.code).toBe('DEAL_ALREADY_EXISTS'));
    const deals = (await t.store.readAll({ maxCount: 100_000 })).filter(
      (e) => e.type === 'DealCreated' && e.data['leadId'] === leadId,
    );
    expect(deals).toHaveLength(1);
  });

  it('concurrent captures of many leads are all kept, each at revision 0, with distinct positions', async () => {
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const responses = await Promise.all(ids.map((leadId) => t.http().post('/leads').send(lead({ leadId }))));
    responses.forEach((r) => {
      expect(r.status).toBe(201);
      expect(r.body.revision).toBe(0);
    });
    expect(new Set(responses.map((r) => String(r.body.position))).size).toBe(100);
    for (const leadId of ids.slice(0, 10)) {
      expect((await t.http().get(`/leads/${leadId}`)).status).toBe(200);
    }
  });
});

import { randomUUID } from 'node:crypto';
import { dealIdForLead } from '@app/domain';
import { issueKey, lead, qualification, qualifiedLead, useApp } from './support/test-app';

describe('Commands over HTTP: from a captured lead to a won or lost deal', () => {
  const t = useApp();

  it('captures a lead, qualifies it, creates its deal, moves it through the pipeline and wins it', async () => {
    // Who acts is the key a request authenticates with; X-Actor is ignored.
    const ada = await issueKey(t, ['sales'], { name: 'ada.sales' });
    const grace = await issueKey(t, ['sales'], { name: 'grace' });
    const captured = await t
      .as(ada.key)
      .post('/leads')
      .set('X-Actor', 'the-ceo')
      .set('X-Correlation-Id', 'campaign-import-42')
      .send(
        lead({
          phone: '+44 20 7946 0000',
          campaign: 'spring',
          interest: 'forecasting',
          tags: ['enterprise', 'hot'],
        }),
      )
      .expect(201);
    expect(captured.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: 0,
      position: expect.any(String),
      possibleDuplicates: [],
    });
    expect(captured.headers['etag']).toBe('"0"');
    expect(captured.headers['x-correlation-id']).toBe('campaign-import-42');
    const leadId = captured.body.id as string;

    const got = await t.http().get(`/leads/${leadId}`).expect(200);
    expect(got.headers['etag']).toBe('"0"');
    expect(got.body).toEqual({
      leadId,
      status: 'captured',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      company: 'Analytical Engines Ltd',
      phone: '+44 20 7946 0000',
      source: 'web_form',
      campaign: 'spring',
      interest: 'forecasting',
      tags: ['enterprise', 'hot'],
      owner: null,
      capturedAt: expect.any(String),
      qualification: null,
      disqualification: null,
      lastActivityAt: null,
      nextActivity: null,
      erased: null,
      revision: 0,
      // The default rules: company 15, tagged 10, phone 5, interest 5.
      score: 35,
      fit: 35,
      engagement: 0,
      band: 'warm',
    });

    const qualified = await t
      .http()
      .post(`/leads/${leadId}/qualify`)
      .set('If-Match', '"0"')
      .send(qualification())
      .expect(200);
    expect(qualified.body).toMatchObject({ id: leadId, revision: 1 });
    expect(BigInt(qualified.body.position)).toBeGreaterThan(BigInt(captured.body.position));
    expect((await t.http().get(`/leads/${leadId}`)).body).toMatchObject({
      status: 'qualified',
      qualification: {
        budget: { amount: 1_250_000, currency: 'EUR' },
        timeline: '2026-09-30',
        authority: 'CFO',
      },
    });

    const created = await t
      .http()
      .post('/deals')
      .send({
        leadId,
        title: 'Forecasting for AEL',
        value: { amount: 1_200_000, currency: 'EUR' },
        expectedCloseDate: '2026-09-30',
        owner: 'grace',
      })
      .expect(201);
    const dealId = created.body.id as string;
    expect(dealId).toBe(dealIdForLead(leadId));
    expect(created.body.revision).toBe(0);

    await t.http().post(`/deals/${dealId}/advance`).send({ stage: 'demo' }).expect(200);
    await t.http().post(`/deals/${dealId}/advance`).send({ stage: 'negotiation' }).expect(200);
    const won = await t.as(grace.key).post(`/deals/${dealId}/win`).send({ note: 'signed' }).expect(200);
    expect(won.body).toMatchObject({ id: dealId, revision: 3 });

    const deal = await t.http().get(`/deals/${dealId}`).expect(200);
    expect(deal.headers['etag']).toBe('"3"');
    expect(deal.body).toEqual({
      dealId,
      leadId,
      pipelineId: 'default',
      title: 'Forecasting for AEL',
      value: { amount: 1_200_000, currency: 'EUR' },
      stage: 'negotiation',
      status: 'won',
      probability: 80,
      probabilityOverride: null,
      expectedCloseDate: '2026-09-30',
      owner: 'grace',
      createdAt: expect.any(String),
      closedAt: expect.any(String),
      lostReason: null,
      competitor: null,
      reopenedAt: null,
      lastActivityAt: null,
      nextActivity: null,
      rottingSince: null,
      revision: 3,
    });

    // Who did what, and why, is kept in the events.
    const leadEvents = await t.store.readStream(`lead-${leadId}`);
    expect(leadEvents.map((e) => e.type)).toEqual(['LeadCaptured', 'LeadQualified']);
    expect(leadEvents[0]!.metadata).toMatchObject({
      actor: 'ada.sales',
      actorKeyId: ada.keyId,
      correlationId: 'campaign-import-42',
      causationId: expect.any(String),
      schemaVersion: 1,
      occurredAt: expect.any(String),
    });
    expect(leadEvents[1]!.metadata.actor).toBe('admin (ADMIN_API_KEY)');
    expect(JSON.stringify(leadEvents.map((e) => e.metadata))).not.toContain('the-ceo');
    const dealEvents = await t.store.readStream(`deal-${dealId}`);
    expect(dealEvents.map((e) => e.type)).toEqual([
      'DealCreated',
      'StageAdvanced',
      'StageAdvanced',
      'DealWon',
    ]);
    expect(dealEvents[3]!.data).toMatchObject({
      note: 'signed',
      value: { amount: 1_200_000, currency: 'EUR' },
    });
    expect(dealEvents[3]!.metadata).toMatchObject({ actor: 'grace', actorKeyId: grace.keyId });
  });

  it('loses a deal with its reason and competitor', async () => {
    const leadId = await qualifiedLead(t);
    const dealId = (
      await t
        .http()
        .post('/deals')
        .send({
          leadId,
          title: 'Lost one',
          value: { amount: 50_000, currency: 'USD' },
          expectedCloseDate: '2026-12-31',
        })
        .expect(201)
    ).body.id as string;
    await t.http().post(`/deals/${dealId}/advance`).send({ stage: 'proposal' }).expect(200);
    await t
      .http()
      .post(`/deals/${dealId}/lose`)
      .send({ reason: 'price', competitor: 'Acme CRM', note: '20% cheaper' })
      .expect(200);
    expect((await t.http().get(`/deals/${dealId}`)).body).toMatchObject({
      status: 'lost',
      stage: 'proposal',
      lostReason: 'price',
      competitor: 'Acme CRM',
      closedAt: expect.any(String),
    });
    const [lost] = await t.store.readStream(`deal-${dealId}`, { direction: 'backwards', maxCount: 1 });
    expect(lost!.data).toMatchObject({
      reason: 'price',
      competitor: 'Acme CRM',
      note: '20% cheaper',
      stage: 'proposal',
    });
  });

  it('disqualifies a lead with a reason and keeps it', async () => {
    const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
    await t
      .http()
      .post(`/leads/${leadId}/disqualify`)
      .send({ reason: 'no_budget', note: 'maybe next year' })
      .expect(200);
    expect((await t.http().get(`/leads/${leadId}`)).body).toMatchObject({
      status: 'disqualified',
      disqualification: { reason: 'no_budget', note: 'maybe next year', disqualifiedAt: expect.any(String) },
    });
  });

  it('takes the client-supplied lead id, in any letter case, as the same lead', async () => {
    const leadId = randomUUID();
    const created = await t
      .http()
      .post('/leads')
      .send(lead({ leadId: leadId.toUpperCase() }))
      .expect(201);
    expect(created.body.id).toBe(leadId);
    await t.http().get(`/leads/${leadId.toUpperCase()}`).expect(200);
  });

  it('accepts a dealId only when it is the one derived from the lead', async () => {
    const leadId = await qualifiedLead(t);
    const body = {
      leadId,
      title: 'x',
      value: { amount: 1, currency: 'EUR' },
      expectedCloseDate: '2026-12-31',
    };
    await t
      .http()
      .post('/deals')
      .send({ ...body, dealId: randomUUID() })
      .expect(400);
    const created = await t
      .http()
      .post('/deals')
      .send({ ...body, dealId: dealIdForLead(leadId) })
      .expect(201);
    expect(created.body.id).toBe(dealIdForLead(leadId));
  });

  it('accepts a command without a body when no field is required', async () => {
    const leadId = await qualifiedLead(t);
    const dealId = (
      await t
        .http()
        .post('/deals')
        .send({ leadId, title: 'x', value: { amount: 1, currency: 'EUR' }, expectedCloseDate: '2026-12-31' })
    ).body.id as string;
    await t.http().post(`/deals/${dealId}/win`).expect(200);
  });
});

import { lead, qualification, removeDataDir, startApp } from './support/test-app';

describe('Restart on the same data directory', () => {
  it('keeps every lead, deal, revision and position, and goes on from there', async () => {
    let t = await startApp();
    const dataDir = t.dataDir;
    try {
      const leadId = (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
      await t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
      const dealId = (
        await t
          .http()
          .post('/deals')
          .send({
            leadId,
            title: 'Kept',
            value: { amount: 777, currency: 'GBP' },
            expectedCloseDate: '2026-10-01',
          })
          .expect(201)
      ).body.id as string;
      const advanced = await t
        .http()
        .post(`/deals/${dealId}/advance`)
        .send({ stage: 'proposal' })
        .expect(200);
      const leadBefore = (await t.http().get(`/leads/${leadId}`)).body;
      const dealBefore = (await t.http().get(`/deals/${dealId}`)).body;
      await t.close();

      t = await startApp(dataDir);
      expect((await t.http().get(`/leads/${leadId}`).expect(200)).body).toEqual(leadBefore);
      expect((await t.http().get(`/deals/${dealId}`).expect(200)).body).toEqual(dealBefore);
      const won = await t.http().post(`/deals/${dealId}/win`).set('If-Match', '"1"').send({}).expect(200);
      expect(won.body.revision).toBe(2);
      expect(BigInt(won.body.position)).toBe(BigInt(advanced.body.position) + 1n);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });
});

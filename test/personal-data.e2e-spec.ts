import { dealIdForLead } from '@app/domain';
import { foundIn } from './support/personal-data-scan';
import { until } from './support/waiting';
import {
  type TestApp,
  issueKey,
  momentBetween,
  newDataDir,
  problemOf,
  qualification,
  refused,
  removeDataDir,
  startApp,
  useApp,
} from './support/test-app';

/** A person whose data the tests look for everywhere once it is erased. */
const GRACE = {
  name: 'Grace Brewster Hopper',
  email: 'Grace.Hopper@cobol.example',
  company: 'Cobol Compilers Ltd',
  phone: '+44 20 7946 0958',
  source: 'referral',
};
const CORRECTED_EMAIL = 'amazing.grace@navy.example';

/** What must not be found once Grace is erased: each of her fields, and parts a search would try. */
const NEEDLES = [
  GRACE.name,
  'Brewster',
  GRACE.email,
  GRACE.email.toLowerCase(),
  CORRECTED_EMAIL,
  GRACE.company,
  GRACE.phone,
];

const containsNoNeedle = (what: string, body: unknown) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  expect({ what, found: NEEDLES.filter((needle) => text.includes(needle)) }).toEqual({ what, found: [] });
};

/** Grace captured, her email corrected, qualified, with the deal the automation titles after her; ids. */
async function captureGrace(t: TestApp): Promise<{ leadId: string; dealId: string }> {
  const leadId = (await t.http().post('/leads').send(GRACE).expect(201)).body.id as string;
  await t.http().patch(`/leads/${leadId}`).send({ email: CORRECTED_EMAIL }).expect(200);
  // Free text about her is hers too: a note and the qualification's need name her.
  await t
    .http()
    .post(`/leads/${leadId}/notes`)
    .send({ text: 'Grace Brewster Hopper called back about the compiler' })
    .expect(201);
  await t
    .http()
    .post(`/leads/${leadId}/qualify`)
    .send(qualification({ need: 'a compiler that Grace Brewster Hopper can sign off' }))
    .expect(200);
  const dealId = dealIdForLead(leadId);
  await until(
    async () => (await t.http().get(`/deals/${dealId}`)).status === 200,
    'the automation made the deal',
  );
  return { leadId, dealId };
}

describe('Erasure (crypto-shredding)', () => {
  let t: TestApp;
  let dataDir: string;
  let leadId: string;
  let dealId: string;
  let beforeErasure: string;
  let erasedAt: string;
  const reason = 'the person asked for erasure (GDPR Art. 17), ticket 4711';

  beforeAll(async () => {
    dataDir = newDataDir();
    t = await startApp(dataDir, { AUTO_CREATE_DEALS: 'true' });
    ({ leadId, dealId } = await captureGrace(t));
  });

  afterAll(async () => {
    await t?.close();
    removeDataDir(dataDir);
  });

  it('seals personal data before it is appended: the log holds none of it, the read models do', async () => {
    const deal = (await t.http().get(`/deals/${dealId}`).expect(200)).body as { title: string };
    expect(deal.title).toBe(`${GRACE.company}: ${GRACE.name}`);
    // As of a moment, the folds that read personal data get it opened; the reports that never do, sealed.
    const now = new Date().toISOString();
    const past = (await t.http().get(`/deals?asOf=${now}`).expect(200)).body as {
      items: { title: string }[];
    };
    expect(past.items.map((item) => item.title)).toEqual([deal.title]);
    expect((await t.http().get(`/analytics/pipeline?asOf=${now}`).expect(200)).body).toMatchObject({
      stages: expect.arrayContaining([expect.objectContaining({ openDeals: 1 })]),
    });
    const files = foundIn(dataDir, NEEDLES);
    // The scan finds what is there (the read models serve the lead)...
    expect(files.some((hit) => hit.startsWith('read-models.sqlite'))).toBe(true);
    // ...and the log, its WAL and the key store hold no personal field in any encoding.
    expect(files.filter((hit) => !hit.startsWith('read-models.sqlite'))).toEqual([]);
  });

  it('refuses an erasure without a reason, of a lead that does not exist, and by anyone but an admin', async () => {
    const noReason = await refused(t, () => t.http().post(`/leads/${leadId}/erase`).send({}), 400);
    expect(noReason.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const unknown = await refused(
      t,
      () => t.http().post('/leads/0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e/erase').send({ reason }),
      404,
    );
    expect(unknown.code).toBe('LEAD_NOT_FOUND');
    const sales = await issueKey(t, ['sales']);
    await refused(t, () => t.as(sales.key).post(`/leads/${leadId}/erase`).send({ reason }), 403);
    await t.as(sales.key).get(`/leads/${leadId}/personal-data`).expect(403);
  });

  it('exports everything held about the person, to an admin, before erasure', async () => {
    const exported = (await t.http().get(`/leads/${leadId}/personal-data`).expect(200)).body as {
      erased: unknown;
      events: { type: string; streamId: string; data: Record<string, unknown> }[];
    };
    expect(exported.erased).toBeNull();
    expect(exported.events.map((event) => event.type)).toEqual([
      'LeadCaptured',
      'LeadContactCorrected',
      'LeadNoteAdded',
      'LeadQualified',
      'DealCreated',
    ]);
    expect(exported.events[0]!.data).toMatchObject({
      name: GRACE.name,
      email: GRACE.email,
      phone: GRACE.phone,
    });
    expect(exported.events[1]!.data).toMatchObject({ from: GRACE.email, to: CORRECTED_EMAIL });
    expect(exported.events[4]!.data).toMatchObject({ title: `${GRACE.company}: ${GRACE.name}` });
  });

  it('erases: the lead and its deal read null with when and why, everywhere', async () => {
    beforeErasure = await momentBetween();
    const erased = await t.http().post(`/leads/${leadId}/erase`).send({ reason }).expect(200);
    const position = (erased.body as { position: string }).position;
    const lead = (await t.http().get(`/leads/${leadId}?minPosition=${position}`).expect(200)).body as {
      erased: { at: string; reason: string };
    };
    expect(lead).toMatchObject({ name: null, email: null, company: null, phone: null, status: 'qualified' });
    expect(lead.erased.reason).toBe(reason);
    erasedAt = lead.erased.at;
    expect((await t.http().get(`/deals/${dealId}?minPosition=${position}`).expect(200)).body).toMatchObject({
      title: null,
      status: 'open',
      value: qualification().budget,
    });
    // In the past too: the key is gone, so the lead as it stood before the erasure has no name either.
    const past = (await t.http().get(`/leads/${leadId}?asOf=${beforeErasure}`).expect(200)).body as {
      erased: { at: string; reason: string };
    };
    expect(past).toMatchObject({ name: null, email: null, erased: { at: erasedAt, reason } });
  });

  it('shows no personal data on any endpoint, page, history, as-of view or export', async () => {
    const answers: [string, unknown][] = [];
    for (const path of [
      `/leads/${leadId}`,
      `/leads/${leadId}?asOf=${beforeErasure}`,
      `/leads/${leadId}/history`,
      `/leads/${leadId}/score`,
      `/leads/${leadId}/personal-data`,
      '/leads',
      `/leads?email=${encodeURIComponent(CORRECTED_EMAIL)}`,
      `/deals/${dealId}`,
      `/deals/${dealId}?asOf=${beforeErasure}`,
      `/deals/${dealId}/history`,
      '/deals',
      `/deals?asOf=${beforeErasure}`,
      '/activities',
      `/activities?asOf=${beforeErasure}`,
      '/analytics/pipeline',
      `/analytics/pipeline?asOf=${beforeErasure}`,
      '/analytics/funnel',
      '/analytics/stages',
      '/analytics/forecast',
      '/analytics/losses',
      '/audit/verify',
    ]) {
      const response = await t.http().get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      answers.push([path, response.body]);
    }
    const page = await t
      .http()
      .get('/events?after=0&limit=1000')
      .set('accept', 'application/json')
      .expect(200);
    answers.push(['/events', page.body]);
    for (const [path, body] of answers) containsNoNeedle(path, body);

    const history = answers[2]![1] as {
      events: { type: string; data: Record<string, unknown> }[];
      integrity: unknown;
    };
    // The chain is over the sealed records: erasure changed no stored byte.
    expect(history.integrity).toEqual({ verified: true, brokenAt: null });
    expect(history.events[0]).toMatchObject({
      type: 'LeadCaptured',
      data: { name: null, email: null, erased: { at: erasedAt, reason } },
    });
    expect(history.events.at(-1)).toMatchObject({ type: 'LeadErased', data: { reason } });
    expect((answers[4]![1] as { erased: unknown }).erased).toEqual({ at: erasedAt, reason });
    expect((answers[6]![1] as { items: unknown[] }).items).toEqual([]);
  });

  it('takes no more changes to the erased lead, and no second erasure', async () => {
    const changed = await refused(t, () => t.http().patch(`/leads/${leadId}`).send({ name: 'Grace' }), 409);
    expect(changed.code).toBe('LEAD_ERASED');
    const again = await refused(t, () => t.http().post(`/leads/${leadId}/erase`).send({ reason }), 409);
    expect(again.code).toBe('LEAD_ALREADY_ERASED');
    const retitled = await refused(
      t,
      () => t.http().patch(`/deals/${dealId}`).send({ title: 'Renamed' }),
      409,
    );
    expect(retitled.code).toBe('LEAD_ERASED');
  });

  it('leaves no file under the data directory holding the person, in any encoding, running or stopped', async () => {
    // The projections scrub the read store once they purged the person: its write-ahead log holds no copy.
    expect(foundIn(dataDir, NEEDLES)).toEqual([]);
    await t.close();
    expect(foundIn(dataDir, NEEDLES)).toEqual([]);
    t = await startApp(dataDir, { AUTO_CREATE_DEALS: 'true' });
    // The service reads the erased lead after a restart as it did before.
    expect((await t.http().get(`/leads/${leadId}`).expect(200)).body).toMatchObject({
      name: null,
      erased: { reason },
    });
  });
});

describe('Personal data by role', () => {
  const t = useApp({ AUTO_CREATE_DEALS: 'true' });

  it('shows personal fields to sales, auditors, admins and service keys issued with personalData; masks them for the others', async () => {
    const { leadId, dealId } = await captureGrace(t);
    const keys = {
      sales: await issueKey(t, ['sales']),
      auditor: await issueKey(t, ['auditor']),
      analyst: await issueKey(t, ['analyst']),
      service: await issueKey(t, ['service']),
      trustedService: await issueKey(t, ['service'], { personalData: true }),
    };
    const seen = async (key: string) => ({
      lead: (await t.as(key).get(`/leads/${leadId}`).expect(200)).body as Record<string, unknown>,
      deal: (await t.as(key).get(`/deals/${dealId}`).expect(200)).body as Record<string, unknown>,
      deals: (await t.as(key).get('/deals').expect(200)).body as { items: Record<string, unknown>[] },
    });
    for (const key of [keys.sales, keys.auditor, keys.trustedService]) {
      const { lead, deal, deals } = await seen(key.key);
      expect(lead).toMatchObject({ name: GRACE.name, email: CORRECTED_EMAIL, phone: GRACE.phone });
      expect(deal.title).toBe(`${GRACE.company}: ${GRACE.name}`);
      expect(deals.items[0]!.title).toBe(deal.title);
    }
    for (const key of [keys.analyst, keys.service]) {
      const { lead, deal, deals } = await seen(key.key);
      expect(lead).toMatchObject({
        name: '***',
        email: '***',
        phone: '***',
        company: '***',
        qualification: { need: '***', authority: '***', budget: qualification().budget },
      });
      expect(deal.title).toBe('***');
      expect(deals.items[0]!.title).toBe('***');
    }
    const page = async (key: string) =>
      JSON.stringify(
        (await t.as(key).get('/events?after=0&limit=100').set('accept', 'application/json').expect(200)).body,
      );
    containsNoNeedle('the event stream to a service key without personalData', await page(keys.service.key));
    // Nor can they learn by asking whether someone with an address is a lead.
    for (const key of [keys.analyst, keys.service]) {
      const refused = problemOf(
        await t
          .as(key.key)
          .get(`/leads?email=${encodeURIComponent(CORRECTED_EMAIL)}`)
          .expect(403),
      );
      expect(refused.code).toBe('ROLE_REQUIRED');
    }
    expect(
      (
        await t
          .as(keys.sales.key)
          .get(`/leads?email=${encodeURIComponent(CORRECTED_EMAIL)}`)
          .expect(200)
      ).body,
    ).toMatchObject({ items: [{ leadId }] });
    expect(await page(keys.trustedService.key)).toContain(GRACE.name);
    expect(await page(keys.auditor.key)).toContain(CORRECTED_EMAIL);
  });
});

describe('Duplicate detection', () => {
  const t = useApp();

  it('names the leads with the same email at capture, and finds them by email, until one is erased', async () => {
    const first = (
      await t
        .http()
        .post('/leads')
        .send({ ...GRACE, email: 'Grace@Example.COM' })
        .expect(201)
    ).body as { id: string; position: string; possibleDuplicates: string[] };
    expect(first.possibleDuplicates).toEqual([]);
    await t.http().get(`/leads?minPosition=${first.position}`).expect(200);
    const second = (
      await t
        .http()
        .post('/leads')
        .send({ ...GRACE, email: 'grace@example.com' })
        .expect(201)
    ).body as { id: string; position: string; possibleDuplicates: string[] };
    expect(second.possibleDuplicates).toEqual([first.id]);
    const other = (
      await t
        .http()
        .post('/leads')
        .send({ ...GRACE, email: 'someone.else@example.com' })
        .expect(201)
    ).body as { possibleDuplicates: string[]; position: string };
    expect(other.possibleDuplicates).toEqual([]);

    const byEmail = async (email: string, position: string) =>
      (
        (
          await t
            .http()
            .get(`/leads?email=${encodeURIComponent(email)}&minPosition=${position}`)
            .expect(200)
        ).body as {
          items: { leadId: string }[];
        }
      ).items.map((item) => item.leadId);
    expect((await byEmail('GRACE@example.com', other.position)).sort()).toEqual([first.id, second.id].sort());
    expect(await byEmail('grace@example.com', other.position)).toEqual([second.id, first.id]);
    const erased = await t.http().post(`/leads/${first.id}/erase`).send({ reason: 'asked' }).expect(200);
    expect(await byEmail('grace@example.com', (erased.body as { position: string }).position)).toEqual([
      second.id,
    ]);
    const problem = problemOf(
      await t
        .http()
        .get(`/leads?email=${'x'.repeat(321)}`)
        .expect(400),
    );
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'email' })]);
  });
});

describe('An erasure interrupted before the key was destroyed', () => {
  const t = useApp();

  it('is completed by the retry, which finds the lead erased', async () => {
    const leadId = (await t.http().post('/leads').send(GRACE).expect(201)).body.id as string;
    // LeadErased is in the log, but the process stopped before it destroyed the key.
    const stream = await t.store.readStream(`lead-${leadId}`);
    await t.store.appendToStream(
      `lead-${leadId}`,
      [
        {
          id: '7f1e4a2b-3c5d-4e6f-8a9b-0c1d2e3f4a5b',
          type: 'LeadErased',
          data: { leadId, reason: 'asked', erasedAt: new Date().toISOString() },
          metadata: {
            occurredAt: new Date().toISOString(),
            actor: 'admin',
            schemaVersion: 1,
            correlationId: 'c',
            causationId: 'c',
          },
        },
      ],
      { expectedRevision: stream.length - 1 },
    );
    const history = async () =>
      (await t.http().get(`/leads/${leadId}/history`).expect(200)).body as {
        events: { type: string; data: Record<string, unknown> }[];
      };
    expect((await history()).events[0]!.data['name']).toBe(GRACE.name);
    const again = problemOf(
      await t.http().post(`/leads/${leadId}/erase`).send({ reason: 'asked' }).expect(409),
    );
    expect(again.code).toBe('LEAD_ALREADY_ERASED');
    expect((await history()).events[0]!.data).toMatchObject({
      name: null,
      email: null,
      erased: { reason: 'asked' },
    });
  });
});

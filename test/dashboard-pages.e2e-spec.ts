import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Response } from 'supertest';
import {
  type Dashboard,
  type DashboardPage,
  describeInBrowser,
  eventually,
  expectNoSeriousA11yViolations,
  launchBrowser,
  newPage,
  signIn,
  startDashboard,
} from './support/browser';
import { TEST_ADMIN_KEY, dealFor, issueKey, lead, momentBetween, qualification } from './support/test-app';

/**
 * The dashboard's funnel view and its deal and lead pages, in headless Chromium against the real service: the
 * figures they show are the API's, the timeline is the history, the past is the API's asOf, and a key that may
 * not read histories gets a clear message instead of a failure.
 */

/** An answer's JSON body, as supertest parses it. */
type Json = Response['body'];

interface Seeded {
  /** A deal with a rich history: moves, a value change, a note by another key, an activity, a loss. */
  readonly storyDealId: string;
  /** A deal moved once before `asOfMoment` and changed after it. */
  readonly pastDealId: string;
  readonly asOfMoment: string;
  /** A referral lead with a note and a completed activity (engagement), and tags and a company (fit). */
  readonly scoredLeadId: string;
  readonly erasedLeadId: string;
  /** The last log position the seeding wrote: reads with it as minPosition include everything. */
  readonly lastPosition: string;
}

describeInBrowser('Dashboard pages: funnel, deal and lead, in a browser', () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let seeded: Seeded;
  let analystKey: string;
  const opened: DashboardPage[] = [];

  beforeAll(async () => {
    [browser, dashboard] = await Promise.all([launchBrowser(), startDashboard()]);
    seeded = await seed(dashboard);
    analystKey = (await issueKey(dashboard.t, ['analyst'], { name: 'Ada (analyst)' })).key;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  afterEach(async () => {
    // No console error and no uncaught exception on any page the test opened.
    for (const { page, errors } of opened.splice(0)) {
      await page.context().close();
      expect(errors).toEqual([]);
    }
  });

  const api = (path: string, key = TEST_ADMIN_KEY) =>
    dashboard.t
      .as(key)
      .get(path)
      .query({ minPosition: seeded.lastPosition })
      .expect(200)
      .then((response) => response.body);

  /** A page signed in with the key, at the dashboard's place (#/funnel...). */
  async function openAt(place: string, key = TEST_ADMIN_KEY): Promise<DashboardPage> {
    const opening = await newPage(browser, dashboard.baseUrl);
    opened.push(opening);
    await signIn(opening.page, key);
    await opening.page.goto(`${dashboard.baseUrl}/${place}`);
    return opening;
  }

  it('the funnel shows the API figures per source, stage and close month, then with a date range and a source', async () => {
    const { page, failedRequests } = await openAt('#/funnel');
    await funnelShown(page);

    const everySource = funnelFigures(await api('/analytics/funnel'));
    expect(Object.keys(everySource)).toEqual(
      expect.arrayContaining(['funnel-event-captured', 'funnel-web_form-won']),
    );
    expect(await figuresShown(page, 'funnel-')).toEqual(everySource);
    await screenshot(page, 'funnel');
    expect(await figuresShown(page, 'stage')).toEqual(
      stageFigures(await api('/analytics/stages?pipelineId=default')),
    );
    expect(await figuresShown(page, 'forecast-')).toEqual(
      forecastFigures(await api('/analytics/forecast?pipelineId=default')),
    );
    // People read the figures formatted; programs read data-value.
    const referral = await page.getByTestId('funnel-referral-rate-qualification').textContent();
    const expectedRate = (await api('/analytics/funnel?source=referral')).sources[0].rates.qualification;
    expect(referral).toBe(`${(expectedRate * 100).toFixed(1)}%`);
    await expect(page.getByRole('img', { name: /share of each source/i }).count()).resolves.toBe(1);

    // A period around today and one source: the page asks the API the same.
    const today = new Date().toISOString().slice(0, 10);
    const from = dayOffset(today, -1);
    const to = dayOffset(today, 1);
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.getByLabel('Source', { exact: true }).fill('referral');
    await page.getByRole('button', { name: 'Apply' }).click();
    const filtered = funnelFigures(await api(`/analytics/funnel?from=${from}&to=${to}&source=referral`));
    expect(Object.keys(filtered)).toContain('funnel-referral-captured');
    expect(Object.keys(filtered).every((id) => id.startsWith('funnel-referral-'))).toBe(true);
    await eventually(async () => expect(await figuresShown(page, 'funnel-')).toEqual(filtered));
    await eventually(async () =>
      expect(await figuresShown(page, 'stage')).toEqual(
        stageFigures(await api(`/analytics/stages?pipelineId=default&from=${from}&to=${to}`)),
      ),
    );

    // A period before anything happened: no lead in it.
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-02-01');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('funnel-empty').waitFor();
    expect((await api('/analytics/funnel?from=2020-01-01&to=2020-02-01&source=referral')).sources).toEqual(
      [],
    );
    await funnelShown(page);
    await expectNoSeriousA11yViolations(page);

    // A period the API refuses: its problem's detail, announced.
    await page.getByLabel('From', { exact: true }).fill(to);
    await page.getByLabel('To', { exact: true }).fill(from);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('from must be before to');
    expect(failedRequests.length).toBeGreaterThan(0);
  });

  it("a deal's timeline shows every event of its history in order, who did it and what changed, the chain verified", async () => {
    const history = await api(`/deals/${seeded.storyDealId}/history`);
    const { page } = await openAt(`#/deals/${seeded.storyDealId}`);
    await recordShown(page, 'deal-page');

    const shown = await timelineShown(page);
    expect(shown.map(({ type, revision, who }) => ({ type, revision, who }))).toEqual(
      history.events.map((event: Json) => ({
        type: event.type,
        revision: String(event.revision),
        who: event.metadata.actor,
      })),
    );
    expect(shown.map(({ when }) => when)).toEqual(
      history.events.map((event: Json) => event.metadata.occurredAt),
    );
    expect(new Set(shown.map(({ who }) => who)).size).toBe(2);
    expect(shown.map(({ what }) => what)).toEqual([
      'Created in Qualification (pipeline default)',
      'Moved forward from Qualification to Demo',
      'Note added',
      'Scheduled a call: Call about the proposal',
      'Value changed from €10.00 to €15.00',
      'Moved forward from Demo to Proposal',
      'Moved back from Proposal to Demo',
      'Completed the call “Call about the proposal”',
      'Lost in Demo, reason: budget cut',
    ]);
    await expect(page.getByTestId('timeline').textContent()).resolves.toContain('Competitor: Initech');
    await expect(page.getByTestId('timeline').textContent()).resolves.toContain('Note: Asked for a discount');
    expect(history.integrity).toEqual({ verified: true, brokenAt: null });
    await expect(page.getByTestId('chain-integrity').getAttribute('data-verified')).resolves.toBe('true');
    await screenshot(page, 'deal-timeline');

    const deal = await api(`/deals/${seeded.storyDealId}`);
    await expect(page.getByTestId('deal-status').textContent()).resolves.toBe('lost');
    await expect(page.getByTestId('deal-revision').textContent()).resolves.toBe(String(deal.revision));
    const followUps = await api(`/activities?dealId=${seeded.storyDealId}`);
    await expect(page.getByTestId('follow-up').count()).resolves.toBe(followUps.items.length);
    await expect(page.getByTestId('follow-up-status').first().textContent()).resolves.toBe('done');
    await expectNoSeriousA11yViolations(page);

    // Its lead is a link away.
    await page.getByTestId('deal-lead-link').click();
    await recordShown(page, 'lead-page');
    await expect(page.getByTestId('lead-source').textContent()).resolves.toContain('web_form');
    await expect(page.getByTestId('lead-deal-link').getAttribute('href')).resolves.toBe(
      `#/deals/${seeded.storyDealId}`,
    );
  });

  it("a lead page shows the score and every rule's part as GET /leads/{id}/score answers, and its timeline", async () => {
    const { page } = await openAt(`#/leads/${seeded.scoredLeadId}`);
    await recordShown(page, 'lead-page');
    // Engagement decays with time: compare with the score at the very moment the page shows.
    const at = await page.getByTestId('lead-score').getAttribute('data-at');
    const score = await api(`/leads/${seeded.scoredLeadId}/score?asOf=${encodeURIComponent(at!)}`);
    expect(score.contributions.length).toBeGreaterThan(1);

    await expect(page.getByTestId('score-value').textContent()).resolves.toBe(String(score.score));
    await expect(page.getByTestId('score-band').textContent()).resolves.toBe(score.band);
    await expect(
      page.getByTestId('score-fit').locator('[data-value]').getAttribute('data-value'),
    ).resolves.toBe(String(score.fit));
    await expect(
      page.getByTestId('score-engagement').locator('[data-value]').getAttribute('data-value'),
    ).resolves.toBe(String(score.engagement));
    const contributions = await page.getByTestId('score-contribution').evaluateAll((rows) =>
      rows.map((row) => ({
        rule: row.getAttribute('data-rule'),
        kind: row.querySelector('[data-testid="contribution-kind"]')?.textContent,
        points: Number(row.querySelector('[data-testid="contribution-points"]')?.getAttribute('data-value')),
        count: row.querySelector('[data-testid="contribution-count"]')?.textContent,
      })),
    );
    expect(contributions).toEqual(
      score.contributions.map((c: Json) => ({
        rule: c.rule,
        kind: c.kind,
        points: c.points,
        count: c.count === undefined ? '' : String(c.count),
      })),
    );

    const history = await api(`/leads/${seeded.scoredLeadId}/history`);
    const shown = await timelineShown(page);
    expect(shown.map(({ type }) => type)).toEqual(history.events.map((event: Json) => event.type));
    expect(shown[0]?.what).toBe('Captured from referral');
    await expect(page.getByTestId('chain-integrity').getAttribute('data-verified')).resolves.toBe('true');
    await expect(page.getByTestId('lead-name').textContent()).resolves.toBe('Grace Hopper');
    await screenshot(page, 'lead-score');
    await expectNoSeriousA11yViolations(page);
  });

  it('an erased lead shows the erasure, and its personal fields as the API gives them', async () => {
    const erased = await api(`/leads/${seeded.erasedLeadId}`);
    const { page } = await openAt(`#/leads/${seeded.erasedLeadId}`);
    await recordShown(page, 'lead-page');
    await expect(page.getByTestId('lead-erasure').textContent()).resolves.toContain(erased.erased.reason);
    expect(erased.name).toBeNull();
    await expect(page.getByTestId('lead-name').textContent()).resolves.toBe('erased');
    const shown = await timelineShown(page);
    expect(shown.at(-1)?.what).toBe('Personal data erased');
    await expectNoSeriousA11yViolations(page);
  });

  it('travelling back in time shows the deal as GET /deals/{id}?asOf= answers, and its timeline up to then', async () => {
    const { page } = await openAt(`#/deals/${seeded.pastDealId}`);
    await recordShown(page, 'deal-page');
    const now = await api(`/deals/${seeded.pastDealId}`);
    await expect(page.getByTestId('deal-revision').textContent()).resolves.toBe(String(now.revision));

    await page.getByLabel('Time travel').fill(String(Date.parse(seeded.asOfMoment)));
    await page.getByTestId('record-as-of').waitFor();
    const then = await api(`/deals/${seeded.pastDealId}?asOf=${encodeURIComponent(seeded.asOfMoment)}`);
    expect(then.revision).toBeLessThan(now.revision);
    await eventually(async () =>
      expect(await page.getByTestId('deal-revision').textContent()).toBe(String(then.revision)),
    );
    await recordShown(page, 'deal-page');
    expect(await dealSummaryShown(page)).toEqual({
      stage: then.stage,
      status: then.status,
      amount: String(then.value.amount),
      currency: then.value.currency,
      revision: String(then.revision),
    });
    await expect(page.getByRole('status').filter({ hasText: 'Viewing the past' }).count()).resolves.toBe(1);

    const history = await api(`/deals/${seeded.pastDealId}/history`);
    const before = history.events.filter(
      (event: Json) => Date.parse(event.metadata.occurredAt) <= Date.parse(seeded.asOfMoment),
    );
    const shown = await timelineShown(page);
    expect(shown.map(({ revision }) => revision)).toEqual(
      before.map((event: Json) => String(event.revision)),
    );
    await expect(page.getByTestId('timeline-later').textContent()).resolves.toContain(
      `${history.events.length - before.length} later`,
    );
    await expectNoSeriousA11yViolations(page);
  });

  it('an open deal page follows a change made elsewhere, without a reload', async () => {
    const leadId = (
      await dashboard.t
        .http()
        .post('/leads')
        .send(lead({ email: 'live@example.com' }))
        .expect(201)
    ).body.id as string;
    await dashboard.t.http().post(`/leads/${leadId}/qualify`).send(qualification()).expect(200);
    const dealId = (await dashboard.t.http().post('/deals').send(dealFor(leadId)).expect(201)).body
      .id as string;
    const { page } = await openAt(`#/deals/${dealId}`);
    await recordShown(page, 'deal-page');
    await expect(page.getByTestId('timeline-event').count()).resolves.toBe(1);

    await dashboard.t
      .http()
      .post(`/deals/${dealId}/notes`)
      .send({ text: 'Called from another desk' })
      .expect(201);
    await page.getByTestId('timeline').getByText('Note: Called from another desk').waitFor();
    await expect(page.getByTestId('timeline-event').count()).resolves.toBe(2);
    await expect(page.getByTestId('deal-revision').textContent()).resolves.toBe('1');
  });

  it('says so when a view cannot be loaded, and loads it when shown again', async () => {
    const { page } = await openAt('#/board');
    await page.getByRole('navigation').waitFor();
    // The funnel's code is a chunk of its own, asked for when the funnel is first shown: refused once.
    await page.route('**/assets/chunk-*.js', (route) => route.abort());
    await page.getByRole('link', { name: 'Funnel' }).click();
    await page.getByRole('alert').filter({ hasText: 'This view could not be loaded' }).waitFor();
    await page.unroute('**/assets/chunk-*.js');
    await page.getByRole('link', { name: 'Board' }).click();
    await page.getByRole('link', { name: 'Funnel' }).click();
    await page.getByRole('heading', { name: 'Lead-source conversion' }).waitFor();
  });

  it('an analyst sees the funnel, and a clear message instead of a history', async () => {
    const { page, failedRequests } = await openAt('#/funnel', analystKey);
    await funnelShown(page);
    expect(await figuresShown(page, 'funnel-')).toEqual(
      funnelFigures(await api('/analytics/funnel', analystKey)),
    );
    await expectNoSeriousA11yViolations(page);

    await page.goto(`${dashboard.baseUrl}/#/deals/${seeded.storyDealId}`);
    await recordShown(page, 'deal-page');
    const note = page.getByTestId('not-allowed');
    await expect(note.textContent()).resolves.toMatch(/history is not available to your key.*analyst/i);
    await expect(page.getByTestId('timeline').count()).resolves.toBe(0);
    // The deal itself is the analyst's to read, its title masked.
    await expect(page.getByTestId('deal-title').textContent()).resolves.toBe('***');
    await expectNoSeriousA11yViolations(page);
    // The pages asked nothing the key would be refused.
    expect(failedRequests.filter((line) => /\/(deals|leads|activities|analytics)\b/.test(line))).toEqual([]);
    await dashboard.t.as(analystKey).get(`/deals/${seeded.storyDealId}/history`).expect(403);
  });
});

/** With SCREENSHOTS_DIR set, saves the whole page there as <name>.png (for the documentation). */
async function screenshot(page: Page, name: string): Promise<void> {
  const directory = process.env.SCREENSHOTS_DIR;
  if (directory) await page.screenshot({ path: join(directory, `${name}.png`), fullPage: true });
}

async function funnelShown(page: Page): Promise<void> {
  await page.locator('[data-testid="funnel-view"][aria-busy="false"]').waitFor();
}

async function recordShown(page: Page, testId: 'deal-page' | 'lead-page'): Promise<void> {
  await page.locator(`[data-testid="${testId}"][aria-busy="false"]`).waitFor();
}

/** Every figure the page shows under this test id prefix, by test id: its raw value (data-value). */
function figuresShown(page: Page, prefix: string): Promise<Record<string, string>> {
  return page
    .locator(`[data-testid^="${prefix}"][data-value]`)
    .evaluateAll((elements) =>
      Object.fromEntries(
        elements.map((element) => [
          element.getAttribute('data-testid') ?? '',
          element.getAttribute('data-value') ?? '',
        ]),
      ),
    );
}

const raw = (value: number | null): string => (value === null ? '' : String(value));

function funnelFigures(report: Json): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const row of report.sources as Json[]) {
    for (const count of ['captured', 'qualified', 'disqualified', 'dealsCreated', 'won', 'lost']) {
      figures[`funnel-${row.source}-${count}`] = raw(row[count]);
    }
    for (const value of row.wonValues as Json[]) {
      figures[`funnel-${row.source}-won-value-${value.currency}`] = raw(value.total);
    }
    for (const [rate, value] of Object.entries(row.rates as Record<string, number | null>)) {
      figures[`funnel-${row.source}-rate-${rate}`] = raw(value);
    }
  }
  return figures;
}

function stageFigures(report: Json): Record<string, string> {
  const figures: Record<string, string> = { 'stages-win-rate': raw(report.winRate) };
  for (const row of report.stages as Json[]) {
    for (const flow of ['entered', 'movedForward', 'movedBack', 'won', 'lost', 'movedOut', 'conversion']) {
      figures[`stage-${row.stage}-${flow}`] = raw(row[flow]);
    }
    figures[`stage-${row.stage}-stays`] = raw(row.timeInStage.stays);
    figures[`stage-${row.stage}-mean-days`] = raw(row.timeInStage.meanDays);
    figures[`stage-${row.stage}-median-days`] = raw(row.timeInStage.medianDays);
  }
  return figures;
}

function forecastFigures(report: Json): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const { month, open, won } of report.months as Json[]) {
    figures[`forecast-${month}-open-deals`] = raw(open.deals);
    figures[`forecast-${month}-won-deals`] = raw(won.deals);
    for (const value of open.values as Json[]) {
      figures[`forecast-${month}-${value.currency}`] = raw(value.total);
      figures[`forecast-${month}-${value.currency}-weighted`] = raw(value.weighted);
    }
    for (const value of won.values as Json[])
      figures[`forecast-${month}-${value.currency}-won`] = raw(value.total);
  }
  return figures;
}

interface TimelineEntryShown {
  readonly type: string;
  readonly revision: string;
  readonly who: string;
  readonly when: string;
  readonly what: string;
}

function timelineShown(page: Page): Promise<TimelineEntryShown[]> {
  return page.getByTestId('timeline-event').evaluateAll((entries) =>
    entries.map((entry) => ({
      type: entry.getAttribute('data-type') ?? '',
      revision: entry.getAttribute('data-revision') ?? '',
      who: entry.querySelector('[data-testid="timeline-who"]')?.textContent ?? '',
      when: entry.querySelector('[data-testid="timeline-when"]')?.getAttribute('datetime') ?? '',
      what: entry.querySelector('[data-testid="timeline-what"]')?.textContent ?? '',
    })),
  );
}

async function dealSummaryShown(page: Page) {
  const value = page.getByTestId('deal-value').locator('[data-amount]');
  return {
    stage: await page.getByTestId('deal-stage').locator('[data-stage]').getAttribute('data-stage'),
    status: await page.getByTestId('deal-status').textContent(),
    amount: await value.getAttribute('data-amount'),
    currency: await value.getAttribute('data-currency'),
    revision: await page.getByTestId('deal-revision').textContent(),
  };
}

const dayOffset = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Leads of three sources (some qualified, one disqualified), deals in two currencies and several close months
 * (moved, won, lost), a deal with a story told by two keys, a deal changed after a remembered moment, a lead
 * with interactions, and an erased lead.
 */
async function seed({ t }: Dashboard): Promise<Seeded> {
  let lastPosition = '0';
  const send = async (request: PromiseLike<{ status: number; body: Json }>, status: number) => {
    const response = await request;
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    if (typeof response.body?.position === 'string') lastPosition = response.body.position;
    return response.body;
  };
  const admin = () => t.http();
  const capture = async (fields: Json) =>
    (await send(admin().post('/leads').send(lead(fields)), 201)).id as string;
  const qualify = (leadId: string) =>
    send(admin().post(`/leads/${leadId}/qualify`).send(qualification()), 200);
  const createDeal = async (leadId: string, fields: Json = {}) =>
    (await send(admin().post('/deals').send(dealFor(leadId, fields)), 201)).id as string;
  const qualifiedDeal = async (leadFields: Json, dealFields: Json = {}) => {
    const leadId = await capture(leadFields);
    await qualify(leadId);
    return createDeal(leadId, dealFields);
  };
  const advance = (dealId: string, stage: string) =>
    send(admin().post(`/deals/${dealId}/advance`).send({ stage }), 200);

  // The funnel: web_form, referral and event leads, converted in part.
  await capture({ source: 'web_form', email: 'w1@example.com' });
  const disqualified = await capture({ source: 'event', email: 'e1@example.com' });
  await send(admin().post(`/leads/${disqualified}/disqualify`).send({ reason: 'no_budget' }), 200);
  const won = await qualifiedDeal(
    { source: 'referral', email: 'r1@example.com' },
    { value: { amount: 500_000, currency: 'USD' }, expectedCloseDate: '2027-01-15' },
  );
  await advance(won, 'proposal');
  await send(admin().post(`/deals/${won}/win`).send({ note: 'signed' }), 200);
  await qualifiedDeal({ source: 'event', email: 'e2@example.com' }, { expectedCloseDate: '2027-02-10' });
  const open = await qualifiedDeal({ source: 'referral', email: 'r2@example.com' });
  await advance(open, 'demo');

  // A deal's story, told by the admin and a sales key.
  const sales = await issueKey(t, ['sales'], { name: 'Grace (sales)' });
  const storyDealId = await qualifiedDeal({ source: 'web_form', email: 'story@example.com' });
  await advance(storyDealId, 'demo');
  await send(t.as(sales.key).post(`/deals/${storyDealId}/notes`).send({ text: 'Wants a pilot first' }), 201);
  const activity = await send(
    t
      .as(sales.key)
      .post(`/deals/${storyDealId}/activities`)
      .send({ type: 'call', subject: 'Call about the proposal', dueAt: '2027-03-01T09:30:00Z' }),
    201,
  );
  await send(
    admin()
      .patch(`/deals/${storyDealId}`)
      .send({ value: { amount: 1500, currency: 'EUR' } }),
    200,
  );
  await advance(storyDealId, 'proposal');
  await send(
    admin().post(`/deals/${storyDealId}/move`).send({ stage: 'demo', reason: 'new stakeholder' }),
    200,
  );
  await send(
    admin()
      .post(`/deals/${storyDealId}/activities/${activityIdOf(activity)}/complete`)
      .send({ outcome: 'interested' }),
    200,
  );
  await send(
    admin()
      .post(`/deals/${storyDealId}/lose`)
      .send({ reason: 'budget_cut', competitor: 'Initech', note: 'Asked for a discount' }),
    200,
  );

  // A deal changed after a moment the test travels back to.
  const pastDealId = await qualifiedDeal({ source: 'web_form', email: 'past@example.com' });
  await advance(pastDealId, 'demo');
  const asOfMoment = await momentBetween();
  await send(
    admin()
      .patch(`/deals/${pastDealId}`)
      .send({ value: { amount: 9900, currency: 'EUR' } }),
    200,
  );
  await advance(pastDealId, 'negotiation');

  // A lead the default rules score: fit (source, company, tags) and engagement (a note, a completed call).
  const scoredLeadId = await capture({
    source: 'referral',
    name: 'Grace Hopper',
    email: 'grace@example.com',
    phone: '+44 20 7946 0000',
  });
  await send(admin().post(`/leads/${scoredLeadId}/notes`).send({ text: 'Met at the conference' }), 201);
  const call = await send(
    admin()
      .post(`/leads/${scoredLeadId}/activities`)
      .send({ type: 'call', subject: 'Intro call', dueAt: '2027-03-02T10:00:00Z' }),
    201,
  );
  await send(
    admin()
      .post(`/leads/${scoredLeadId}/activities/${activityIdOf(call)}/complete`)
      .send({}),
    200,
  );

  const erasedLeadId = await capture({ source: 'web_form', email: 'gone@example.com' });
  await send(
    admin().post(`/leads/${erasedLeadId}/erase`).send({ reason: 'asked for erasure, ticket 12' }),
    200,
  );

  return { storyDealId, pastDealId, asOfMoment, scoredLeadId, erasedLeadId, lastPosition };
}

/** The id of the activity a schedule command answered (its answer names the activity). */
function activityIdOf(answer: Json): string {
  const activityId = answer.activityId ?? answer.id;
  if (typeof activityId !== 'string') throw new Error(`no activity id in ${JSON.stringify(answer)}`);
  return activityId;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  type Dashboard,
  type DashboardPage,
  boardReady,
  buildDashboard,
  describeInBrowser,
  eventually,
  expectNoSeriousA11yViolations,
  launchBrowser,
  newPage,
  setTimeTravel,
  signIn,
  startDashboard,
} from './support/browser';
import {
  TEST_ADMIN_KEY,
  type TestApp,
  dealFor,
  issueKey,
  momentBetween,
  problemOf,
  qualifiedLead,
  removeDataDir,
  startApp,
} from './support/test-app';

describe('Dashboard page: served by the service', () => {
  let webDir: string;
  let built: TestApp;
  let unbuilt: TestApp;
  let emptyDir: string;

  beforeAll(async () => {
    webDir = buildDashboard();
    emptyDir = mkdtempSync(join(tmpdir(), 'sales-pipeline-no-web-'));
    [built, unbuilt] = await Promise.all([
      startApp(undefined, { WEB_DIR: webDir }),
      startApp(undefined, { WEB_DIR: join(emptyDir, 'build') }),
    ]);
  });
  afterAll(async () => {
    for (const t of [built, unbuilt]) {
      await t?.close();
      if (t) removeDataDir(t.dataDir);
    }
    rmSync(webDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it('serves the page and its files without a key, under a policy that allows no inline or outside code', async () => {
    const page = await built.as(null).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.text;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|style=/);
    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((f) => !f.startsWith('data:'));
    // The page's own files only: its stylesheet, its script and the chunks that script imports at once.
    expect(files).toEqual(expect.arrayContaining(['/assets/main.css', '/assets/main.js']));
    for (const file of files) expect(file).toMatch(/^\/assets\/(main|chunk-[A-Z0-9]+)\.(css|js)$/);
    const policy = page.headers['content-security-policy'];
    expect(policy).toMatch(/script-src 'self'/);
    expect(policy).toMatch(/default-src 'self'/);
    for (const file of files) {
      const asset = await built.as(null).get(file).expect(200);
      expect(asset.headers['content-type']).toMatch(file.endsWith('.js') ? /javascript/ : /text\/css/);
    }
    expect(problemOf(await built.as(null).get('/assets/missing.js').expect(404)).status).toBe(404);
    // The API still wants its key.
    await built.as(null).get('/deals').expect(401);
  });

  it('answers 503 saying how to build the page when it is not built, and the API works as ever', async () => {
    const response = await unbuilt.as(null).get('/').expect(503);
    expect(problemOf(response).detail).toContain('npm run build:web');
    await unbuilt.http().get('/deals').expect(200);
  });
});

/**
 * The dashboard's board in headless Chromium, against the real service: what a sales team and an analyst see
 * and do on it.
 */
describeInBrowser('Dashboard: the board', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  const pages: DashboardPage[] = [];

  beforeAll(async () => {
    [dashboard, browser] = await Promise.all([startDashboard(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });
  afterEach(() => {
    // No page logged an error or threw, whatever the test did.
    for (const { errors } of pages.splice(0)) expect(errors).toEqual([]);
  });

  const http = () => dashboard.t.http();

  /** A page signed in with the key, its board shown; `deaf`: it never hears of changes made elsewhere. */
  const open = async (key = TEST_ADMIN_KEY, { deaf = false } = {}): Promise<Page> => {
    const opened = await newPage(browser, dashboard.baseUrl);
    pages.push(opened);
    if (deaf) await opened.page.route('**/changes*', (route) => route.abort());
    await signIn(opened.page, key);
    await boardReady(opened.page);
    return opened.page;
  };

  /** A new pipeline of its own for a test: its id. */
  let pipelines = 0;
  const pipeline = async (stages = ['intro', 'demo', 'proposal']): Promise<string> => {
    const id = `board-${++pipelines}`;
    await http()
      .post('/pipelines')
      .send({
        pipelineId: id,
        name: `Board ${pipelines}`,
        stages: stages.map((stage, i) => ({
          stage,
          name: stage[0]!.toUpperCase() + stage.slice(1),
          probability: Math.round(((i + 1) * 90) / stages.length),
        })),
      })
      .expect(201);
    return id;
  };

  /** An open deal in the pipeline, created over HTTP: its id and the position of its creation. */
  const deal = async (pipelineId: string, overrides: Record<string, unknown> = {}) => {
    const leadId = await qualifiedLead(dashboard.t);
    const created = await http()
      .post('/deals')
      .send(dealFor(leadId, { pipelineId, ...overrides }))
      .expect(201);
    return created.body as { id: string; position: string };
  };

  const pick = async (page: Page, pipelineId: string) => {
    await page.getByLabel('Pipeline').selectOption(pipelineId);
    await boardReady(page, pipelineId);
  };

  const card = (page: Page, dealId: string) => page.locator(`article[data-deal-id="${dealId}"]`);
  const column = (page: Page, name: string) => page.getByRole('region', { name: `Stage ${name}` });
  const cardsIn = async (page: Page, name: string) =>
    column(page, name)
      .locator('article[data-deal-id]')
      .evaluateAll((articles) => articles.map((a) => a.getAttribute('data-deal-id')));

  /** The figures of the board's columns, as the page shows them (data-value: the raw numbers). */
  const figures = (page: Page) =>
    page
      .locator('[data-testid^="stage-"]')
      .evaluateAll((elements) =>
        Object.fromEntries(
          elements.map((e) => [e.getAttribute('data-testid'), Number(e.getAttribute('data-value'))]),
        ),
      );

  /** The same figures, from GET /analytics/pipeline. */
  const reportFigures = async (pipelineId: string, asOf?: string) => {
    const report = (
      await http()
        .get('/analytics/pipeline')
        .query({ pipelineId, ...(asOf ? { asOf } : {}) })
        .expect(200)
    ).body as {
      stages: {
        stage: string;
        openDeals: number;
        rottingDeals: number;
        values: { currency: string; total: number; weighted: number }[];
      }[];
    };
    return Object.fromEntries(
      report.stages.flatMap((row) => [
        [`stage-count-${row.stage}`, row.openDeals],
        ...(row.rottingDeals > 0 ? [[`stage-rotting-${row.stage}`, row.rottingDeals]] : []),
        ...row.values.flatMap((v) => [
          [`stage-total-${row.stage}-${v.currency}`, v.total],
          [`stage-weighted-${row.stage}-${v.currency}`, v.weighted],
        ]),
      ]),
    );
  };

  const stageOf = async (dealId: string) =>
    (await http().get(`/deals/${dealId}`).expect(200)).body as { stage: string; status: string };

  it('signs in with a key, shows the columns of the pipeline in order, and totals equal to the report', async () => {
    const pipelineId = await pipeline();
    await deal(pipelineId, { value: { amount: 120_000, currency: 'EUR' } });
    await deal(pipelineId, { value: { amount: 80_050, currency: 'EUR' }, stage: 'demo' });
    const last = await deal(pipelineId, { value: { amount: 99_999, currency: 'USD' }, stage: 'demo' });
    await http().get('/deals').query({ minPosition: last.position }).expect(200);

    const page = await open();
    await pick(page, pipelineId);
    const columns = await page
      .locator('[data-testid="board"] > section')
      .evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-label')));
    expect(columns).toEqual(['Stage Intro', 'Stage Demo', 'Stage Proposal']);
    expect(await figures(page)).toEqual(await reportFigures(pipelineId));
    expect(await cardsIn(page, 'Demo')).toHaveLength(2);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    expect(page.url()).not.toContain(TEST_ADMIN_KEY);
    await expectNoSeriousA11yViolations(page);
  });

  it('shows the newest 50 deals of a column, and the next ones when asked; the figures count them all', async () => {
    const pipelineId = await pipeline();
    const created: string[] = [];
    for (let i = 0; i < 53; i++) created.push((await deal(pipelineId)).id);
    await deal(pipelineId, { stage: 'demo' });
    const page = await open();
    await pick(page, pipelineId);

    const intro = await cardsIn(page, 'Intro');
    // Newest first, as GET /deals lists them.
    expect(intro).toEqual(created.slice(-50).reverse());
    expect(await page.locator('[data-testid="stage-count-intro"]').getAttribute('data-value')).toBe('53');
    expect(
      await column(page, 'Demo')
        .getByRole('button', { name: /Show 50 more/ })
        .count(),
    ).toBe(0);
    await column(page, 'Intro').getByRole('button', { name: 'Show 50 more deals in Intro' }).click();
    await eventually(async () => expect(await cardsIn(page, 'Intro')).toEqual([...created].reverse()));
    await expect(
      column(page, 'Intro')
        .getByRole('button', { name: /Show 50 more/ })
        .count(),
    ).resolves.toBe(0);
    await expectNoSeriousA11yViolations(page);
  });

  it('loads the board of a signed-in tab in one request, asked before the page knows who the key is', async () => {
    // The default pipeline, where a page opens: 55 deals in its first stage.
    let last = '0';
    for (let i = 0; i < 55; i++) last = (await deal('default')).position;
    const page = await open();
    const asked: string[] = [];
    let boardAskedBeforeMeAnswered = false;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/assets/')) asked.push(url.pathname);
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/me')
        boardAskedBeforeMeAnswered = asked.includes('/pipelines/default/board');
    });
    await page.reload();
    await boardReady(page, 'default');
    expect(boardAskedBeforeMeAnswered).toBe(true);

    // Who the key is, and the board: the report and the cards come together, nothing else is asked for them.
    const once = asked.filter((path) => path === '/me' || path === '/pipelines/default/board');
    expect(once.sort()).toEqual(['/me', '/pipelines/default/board']);
    expect(asked.filter((path) => path === '/deals' || path.startsWith('/analytics/'))).toEqual([]);
    expect(await figures(page)).toEqual(await reportFigures('default'));
    const newest = (
      await http()
        .get('/deals')
        .query({
          status: 'open',
          pipelineId: 'default',
          stage: 'qualification',
          limit: 50,
          minPosition: last,
        })
        .expect(200)
    ).body as { items: { dealId: string }[] };
    expect(await cardsIn(page, 'Qualification')).toEqual(newest.items.map((d) => d.dealId));
  });

  it('hears of a deal created after a reloaded tab read its board and before it followed the changes', async () => {
    const page = await open();
    let created: string | undefined;
    // The reloaded page reads its board with its first requests, then asks for the changes: a deal is created
    // in between, and its notice must still reach the page.
    await page.route('**/changes*', async (route) => {
      created ??= (await deal('default')).id;
      await route.continue();
    });
    await page.reload();
    await boardReady(page, 'default');
    await eventually(async () => expect(await card(page, created!).count()).toBe(1));
  });

  it('moves a card by drag and drop: the API has the deal in the new stage, and the totals follow', async () => {
    const pipelineId = await pipeline();
    const { id } = await deal(pipelineId, { value: { amount: 5_000, currency: 'EUR' } });
    const page = await open();
    await pick(page, pipelineId);

    await card(page, id).dragTo(column(page, 'Proposal'));
    await card(page, id).and(page.locator('[data-stage="proposal"]')).waitFor();
    await eventually(async () => expect((await stageOf(id)).stage).toBe('proposal'));
    await eventually(async () => expect(await figures(page)).toEqual(await reportFigures(pipelineId)));
    expect(await page.locator('[data-testid="stage-count-proposal"]').getAttribute('data-value')).toBe('1');
  });

  it('snaps a refused move back and shows the reason: another client moved the deal first', async () => {
    const pipelineId = await pipeline();
    const { id } = await deal(pipelineId);
    // A page that has not heard of the other client's move yet.
    const page = await open(TEST_ADMIN_KEY, { deaf: true });
    await pick(page, pipelineId);
    await http().post(`/deals/${id}/move`).send({ stage: 'demo' }).expect(200);

    await card(page, id).dragTo(column(page, 'Proposal'));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/revision/i);
    // Not where it was dropped: the board, loaded again, shows it where the other client put it.
    await eventually(async () => expect(await cardsIn(page, 'Demo')).toEqual([id]));
    expect(await cardsIn(page, 'Proposal')).toEqual([]);
    expect((await stageOf(id)).stage).toBe('demo');
  });

  it('snaps back a move the rules refuse (a retired stage), with the problem detail', async () => {
    const pipelineId = await pipeline();
    const { id } = await deal(pipelineId);
    const moved = await deal(pipelineId, { stage: 'proposal' });
    const page = await open();
    await pick(page, pipelineId);
    await http().post(`/pipelines/${pipelineId}/stages/proposal/retire`).send({}).expect(200);

    await card(page, id).dragTo(column(page, 'Proposal'));
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/retired/i);
    await eventually(async () => expect(await cardsIn(page, 'Intro')).toEqual([id]));
    expect(await cardsIn(page, 'Proposal')).toEqual([moved.id]);
    expect((await stageOf(id)).stage).toBe('intro');
  });

  it('wins a deal and loses another with a reason, from their cards', async () => {
    const pipelineId = await pipeline();
    const won = await deal(pipelineId);
    const lost = await deal(pipelineId);
    const page = await open();
    await pick(page, pipelineId);

    await card(page, won.id).getByRole('button', { name: 'Win' }).click();
    await card(page, won.id).waitFor({ state: 'detached' });
    await card(page, lost.id).getByRole('button', { name: 'Lose…' }).click();
    await card(page, lost.id).getByLabel('Reason').fill('went with a competitor');
    await card(page, lost.id).getByRole('button', { name: 'Lose deal' }).click();
    await card(page, lost.id).waitFor({ state: 'detached' });

    await eventually(async () => {
      expect(await stageOf(won.id)).toMatchObject({ status: 'won' });
      const closed = (await http().get(`/deals/${lost.id}`).expect(200)).body;
      expect(closed).toMatchObject({ status: 'lost', lostReason: 'went with a competitor' });
    });
    await eventually(async () => expect(await figures(page)).toEqual(await reportFigures(pipelineId)));
  });

  it('moves a card with the keyboard alone', async () => {
    const pipelineId = await pipeline();
    const { id } = await deal(pipelineId);
    const page = await open();
    await pick(page, pipelineId);

    // Tab to the card, Shift+→ moves it to the next stage.
    await page.getByLabel('Pipeline').focus();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-deal-id') ?? null);
    for (let tabs = 0; (await focused()) !== id; tabs++) {
      if (tabs > 40) throw new Error('the card is not reachable with Tab');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Shift+ArrowRight');
    await eventually(async () => expect((await stageOf(id)).stage).toBe('demo'));
    await eventually(async () => expect(await cardsIn(page, 'Demo')).toEqual([id]));
    // The focus stays on the card in its new column: Shift+← takes it back.
    expect(await focused()).toBe(id);
    await page.keyboard.press('Shift+ArrowLeft');
    await eventually(async () => expect((await stageOf(id)).stage).toBe('intro'));
    await eventually(async () => expect(await cardsIn(page, 'Intro')).toEqual([id]));

    // The card's Move… form, by keyboard: to Proposal.
    await card(page, id).getByRole('button', { name: 'Move…' }).focus();
    await page.keyboard.press('Enter');
    await card(page, id).getByLabel('Move to').focus();
    await card(page, id).getByLabel('Move to').selectOption('proposal');
    await card(page, id).getByRole('button', { name: 'Move', exact: true }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => expect((await stageOf(id)).stage).toBe('proposal'));
    await eventually(async () => expect(await cardsIn(page, 'Proposal')).toEqual([id]));
  });

  it('shows the board of a past moment equal to asOf, marked as the past with commands off', async () => {
    const pipelineId = await pipeline();
    const first = await deal(pipelineId, { value: { amount: 1_000, currency: 'EUR' } });
    await http().get('/deals').query({ minPosition: first.position }).expect(200);
    const moment = await momentBetween();
    const second = await deal(pipelineId, { value: { amount: 7_000, currency: 'EUR' }, stage: 'demo' });
    await http().post(`/deals/${first.id}/move`).send({ stage: 'proposal' }).expect(200);
    await http().get('/deals').query({ minPosition: second.position }).expect(200);

    const page = await open();
    await pick(page, pipelineId);
    await setTimeTravel(page, moment);
    await boardReady(page, pipelineId, moment);
    expect(await figures(page)).toEqual(await reportFigures(pipelineId, moment));
    const past = (await http().get('/deals').query({ status: 'open', pipelineId, asOf: moment }).expect(200))
      .body as { items: { dealId: string; stage: string }[] };
    expect(past.items.map((d) => [d.dealId, d.stage])).toEqual([[first.id, 'intro']]);
    expect(await cardsIn(page, 'Intro')).toEqual([first.id]);
    expect(await cardsIn(page, 'Demo')).toEqual([]);
    expect(await cardsIn(page, 'Proposal')).toEqual([]);
    const banner = await page.getByRole('status').filter({ hasText: 'Viewing the past' }).textContent();
    expect(banner).toContain(new Date(moment).getUTCFullYear().toString());
    expect(await card(page, first.id).getByRole('button', { name: 'Win' }).count()).toBe(0);
    expect(await card(page, first.id).getAttribute('draggable')).toBe('false');
    await expectNoSeriousA11yViolations(page);

    await page.getByRole('button', { name: 'Back to now' }).click();
    await page.getByRole('status').filter({ hasText: 'Viewing the past' }).waitFor({ state: 'detached' });
    await boardReady(page, pipelineId, null);
    expect(await cardsIn(page, 'Proposal')).toEqual([first.id]);
    expect(await figures(page)).toEqual(await reportFigures(pipelineId));
  });

  it('shows a deal another client creates or moves, without a reload', async () => {
    const pipelineId = await pipeline();
    const page = await open();
    await pick(page, pipelineId);

    const { id } = await deal(pipelineId, { stage: 'demo' });
    await card(page, id).and(page.locator('[data-stage="demo"]')).waitFor({ timeout: 5_000 });
    await http().post(`/deals/${id}/move`).send({ stage: 'proposal' }).expect(200);
    await card(page, id).and(page.locator('[data-stage="proposal"]')).waitFor({ timeout: 5_000 });
    await eventually(async () => expect(await figures(page)).toEqual(await reportFigures(pipelineId)));
  });

  it('captures a lead from the form, and shows the fields the API refuses', async () => {
    const page = await open();
    await page.getByText('Capture a lead').click();
    const form = page.getByRole('form', { name: 'Capture a lead' });
    await form.getByLabel('Name').fill('Grace Hopper');
    await form.getByLabel('Email').fill('not an address');
    await form.getByLabel('Source').fill('conference');
    await form.getByRole('button', { name: 'Capture lead' }).click();
    await page.getByRole('alert').waitFor();
    expect(await form.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('#capture-email-error').textContent()).toMatch(/email/i);

    await form.getByLabel('Email').fill('grace@example.com');
    await form.getByLabel('Company').fill('Navy');
    await form.getByLabel('Tags').fill('enterprise, hot');
    await form.getByRole('button', { name: 'Capture lead' }).click();
    const captured = page.getByRole('status').filter({ hasText: 'Lead captured' });
    await captured.waitFor();
    const leadId = (await captured.getByRole('link').textContent())!;
    const lead = (await http().get(`/leads/${leadId}`).expect(200)).body;
    expect(lead).toMatchObject({
      name: 'Grace Hopper',
      email: 'grace@example.com',
      company: 'Navy',
      source: 'conference',
      tags: ['enterprise', 'hot'],
    });
  });

  it('shows an analyst the board without commands, deal links or capture', async () => {
    const pipelineId = await pipeline();
    const { id } = await deal(pipelineId);
    const analyst = await issueKey(dashboard.t, ['analyst']);
    const page = await open(analyst.key);
    await pick(page, pipelineId);

    expect(await figures(page)).toEqual(await reportFigures(pipelineId));
    expect(await card(page, id).getAttribute('draggable')).toBe('false');
    expect(await card(page, id).getByRole('button').count()).toBe(0);
    expect(await card(page, id).getByRole('link').count()).toBe(0);
    expect(await page.getByText('Capture a lead').count()).toBe(0);
    await expectNoSeriousA11yViolations(page);
  });

  it('goes back to sign in, saying why, when the key is revoked', async () => {
    const sales = await issueKey(dashboard.t, ['sales']);
    const page = await open(sales.key);
    await http().delete(`/admin/keys/${sales.keyId}`).expect(204);
    // The page needs no click to notice: the stream of changes it follows ends (a revoked key's streams are
    // closed within a second), and the next request it makes is refused.
    await page.getByLabel('API key').waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/refused.*sign in again/i);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});

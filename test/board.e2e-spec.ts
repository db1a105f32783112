import {
  dealFor,
  issueKey,
  momentBetween,
  problemOf,
  qualifiedLead,
  retireStage,
  useApp,
} from './support/test-app';

interface Deal {
  dealId: string;
  title: string | null;
  stage: string;
  status: string;
}
interface Column {
  stage: string;
  deals: Deal[];
  nextCursor: string | null;
}
interface Report {
  position: string;
  stages: { stage: string; openDeals: number; retired: boolean }[];
}
interface Board {
  report: Report;
  columns: Column[];
}

/**
 * The board of a pipeline in one request: its report and the first open deals of each of its stages. Checked
 * against the two routes it stands for, GET /analytics/pipeline and GET /deals, read separately.
 */
describe('GET /pipelines/{pipelineId}/board', () => {
  const t = useApp({ AUTO_CREATE_DEALS: 'false' });
  const dealIds: string[] = [];
  /** The position of the last command: every read below includes it. */
  let last = '0';
  /** A moment after the first deals were created and moved, before the rest. */
  let earlier = '';

  const accepted = async (send: PromiseLike<{ status: number; body: { id?: string; position: string } }>) => {
    const response = await send;
    expect(response.status).toBeLessThan(300);
    last = response.body.position;
    return response.body;
  };
  const createDeal = async (title: string) => {
    const leadId = await qualifiedLead(t, { name: title, email: `${title.toLowerCase()}@example.com` });
    const { id } = await accepted(t.http().post('/deals').send(dealFor(leadId, { title })));
    dealIds.push(id!);
    return id!;
  };
  const move = (dealId: string, stage: string) =>
    accepted(t.http().post(`/deals/${dealId}/move`).send({ stage }));

  const board = async (query = '', key?: string): Promise<Board> => {
    const http = key === undefined ? t.http() : t.as(key);
    const separator = query === '' ? '?' : `?${query}&`;
    return (await http.get(`/pipelines/default/board${separator}minPosition=${last}`).expect(200))
      .body as Board;
  };
  /** A stage's open deals through GET /deals, every page, `limit` at a time. */
  const openDealsIn = async (stage: string, limit: number, moment = '') => {
    const pages: { items: Deal[]; nextCursor: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const after: string = cursor === null ? '' : `&cursor=${cursor}`;
      const path = `/deals?status=open&pipelineId=default&stage=${stage}&limit=${limit}${after}${moment}`;
      const page = (await t.http().get(`${path}&minPosition=${last}`).expect(200)).body as {
        items: Deal[];
        nextCursor: string | null;
      };
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return pages;
  };

  beforeAll(async () => {
    // Four deals in qualification and one in demo, then a moment; then two more in demo, one in negotiation
    // (a stage retired afterwards, which keeps its column while it holds the deal), one won.
    for (const title of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']) await createDeal(title);
    await move(dealIds[4]!, 'demo');
    earlier = await momentBetween();
    for (const title of ['Foxtrot', 'Golf', 'Hotel', 'India']) await createDeal(title);
    await move(dealIds[5]!, 'demo');
    await move(dealIds[6]!, 'demo');
    await move(dealIds[7]!, 'negotiation');
    await accepted(t.http().post(`/deals/${dealIds[8]}/win`).send({}));
    last = (await retireStage(t, 'default', 'negotiation')).position;
  });

  it('holds the pipeline report, and per stage of it the first page of GET /deals in that stage', async () => {
    const shown = await board('cardsPerStage=2');
    const report = (await t.http().get(`/analytics/pipeline?minPosition=${last}`).expect(200)).body as Report;
    expect(shown.report).toEqual(report);
    expect(shown.columns.map((column) => column.stage)).toEqual(report.stages.map((row) => row.stage));

    for (const [index, column] of shown.columns.entries()) {
      const pages = await openDealsIn(column.stage, 2);
      expect(column.deals).toEqual(pages[0]!.items);
      expect(column.nextCursor).toBe(pages[0]!.nextCursor);
      // The column's cursor goes on in GET /deals, and the pages count every open deal the figures count.
      expect(pages.flatMap((page) => page.items)).toHaveLength(report.stages[index]!.openDeals);
    }
    const titlesOf = (stage: string) =>
      shown.columns.find((column) => column.stage === stage)!.deals.map((deal) => deal.title);
    // Newest first, two at most; the won deal is on no column.
    expect(titlesOf('qualification')).toEqual(['Delta', 'Charlie']);
    expect(titlesOf('demo')).toEqual(['Golf', 'Foxtrot']);
    expect(titlesOf('proposal')).toEqual([]);
    expect(shown.columns.flatMap((column) => column.deals).map((deal) => deal.status)).not.toContain('won');
  });

  it('keeps a column for a retired stage while it holds open deals', async () => {
    const shown = await board();
    const retired = shown.report.stages.find((row) => row.stage === 'negotiation');
    expect(retired).toMatchObject({ retired: true, openDeals: 1 });
    expect(shown.columns.find((column) => column.stage === 'negotiation')).toEqual({
      stage: 'negotiation',
      deals: [expect.objectContaining({ dealId: dealIds[7], title: 'Hotel' })],
      nextCursor: null,
    });
  });

  it('shows the board of a past moment as the report and the lists of that moment', async () => {
    const moment = `&asOf=${encodeURIComponent(earlier)}`;
    const past = await board(`cardsPerStage=3${moment}`);
    const report = (await t.http().get(`/analytics/pipeline?minPosition=${last}${moment}`).expect(200))
      .body as Report;
    expect(past.report).toEqual(report);
    expect(past.columns.map((column) => column.stage)).toEqual([
      'qualification',
      'demo',
      'proposal',
      'negotiation',
    ]);
    for (const column of past.columns) {
      const [first] = await openDealsIn(column.stage, 3, moment);
      expect(column).toEqual({ stage: column.stage, deals: first!.items, nextCursor: first!.nextCursor });
    }
    expect(past.columns[0]!.deals.map((deal) => deal.title)).toEqual(['Delta', 'Charlie', 'Bravo']);
    expect(past.columns[1]!.deals.map((deal) => deal.title)).toEqual(['Echo']);
  });

  it('includes a command it is asked to (minPosition): a moved deal is in its new column', async () => {
    await move(dealIds[0]!, 'proposal');
    const shown = await board();
    expect(shown.report.position).toBe(last);
    const proposal = shown.columns.find((column) => column.stage === 'proposal')!;
    expect(proposal.deals.map((deal) => deal.dealId)).toEqual([dealIds[0]]);
    const qualification = shown.columns.find((column) => column.stage === 'qualification')!;
    expect(qualification.deals.map((deal) => deal.dealId)).not.toContain(dealIds[0]);
  });

  it("shows an analyst the figures and the cards, the deals' titles masked; not the past's cards", async () => {
    const analyst = await issueKey(t, ['analyst']);
    const shown = await board('', analyst.key);
    expect(shown.report).toEqual((await board()).report);
    const titles = shown.columns.flatMap((column) => column.deals.map((deal) => deal.title));
    expect(titles.length).toBeGreaterThan(0);
    expect(new Set(titles)).toEqual(new Set(['***']));

    const past = await t.as(analyst.key).get(`/pipelines/default/board?asOf=${encodeURIComponent(earlier)}`);
    expect(past.status).toBe(403);
    expect(problemOf(past).detail).toMatch(/histories|admin, sales, auditor/);
  });

  it('refuses bad parameters with the field and the reason, and answers 404 for an unknown pipeline', async () => {
    for (const value of ['0', '101', '2.5', 'many']) {
      const response = await t.http().get(`/pipelines/default/board?cardsPerStage=${value}`);
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { field: 'cardsPerStage', reason: 'cardsPerStage must be an integer from 1 to 100' },
      ]);
    }
    const badMoment = await t.http().get('/pipelines/default/board?asOf=yesterday');
    expect(badMoment.status).toBe(400);
    expect(problemOf(badMoment).errors).toEqual([
      { field: 'asOf', reason: expect.stringMatching(/ISO 8601/) },
    ]);

    const unknown = await t.http().get('/pipelines/nowhere/board');
    expect(unknown.status).toBe(404);
    expect(problemOf(unknown).code).toBe('PIPELINE_NOT_FOUND');
    const badSlug = await t.http().get('/pipelines/Not%20A%20Slug/board');
    expect(badSlug.status).toBe(400);
    problemOf(badSlug);
  });

  it('holds 50 deals per stage unless asked, and the cursor to the rest', async () => {
    // Qualification holds Bravo, Charlie and Delta by now; 48 more make 51.
    for (let n = 1; n <= 48; n++) await createDeal(`Deal${n}`);
    const shown = await board();
    const qualification = shown.columns.find((column) => column.stage === 'qualification')!;
    expect(shown.report.stages.find((row) => row.stage === 'qualification')?.openDeals).toBe(51);
    expect(qualification.deals).toHaveLength(50);
    expect(qualification.deals[0]!.title).toBe('Deal48');
    const rest = (
      await t
        .http()
        .get(`/deals?status=open&pipelineId=default&stage=qualification&cursor=${qualification.nextCursor}`)
        .expect(200)
    ).body as { items: Deal[]; nextCursor: string | null };
    expect(rest).toEqual({ items: [expect.objectContaining({ title: 'Bravo' })], nextCursor: null });
  });
});

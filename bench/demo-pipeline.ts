import { ADMIN_AUTHORIZATION } from '../test/support/test-keys';

/**
 * A sales pipeline filled through the HTTP API as a team would fill it: leads captured from several sources,
 * qualified, their deals spread over the stages of the default pipeline with owners, values in two currencies
 * and close dates; some deals won or lost. For the dashboard's benchmark and its screenshots. The service must
 * run with AUTO_CREATE_DEALS=false: deals are created here, in the stage wanted.
 */

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'John'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Allen'];
const COMPANIES = [
  'Analytical Engines',
  'Cobol Ltd',
  'Enigma Systems',
  'Semaphore AG',
  'Abstract Data',
  'TeX Works',
];
const SOURCES = ['web_form', 'referral', 'event', 'outbound', 'partner'];
const OWNERS = ['grace', 'alan', 'ada'];
const PRODUCTS = ['Annual licence', 'Pilot', 'Support renewal', 'Rollout', 'Training', 'Expansion'];

export interface DemoOptions {
  /** Deals left open, spread over the active stages. */
  readonly openDeals: number;
  /** Deals won and lost (half each). */
  readonly closedDeals?: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
}

export interface DemoPipeline {
  readonly openDealIds: readonly string[];
  readonly stages: readonly string[];
}

/** Answers the JSON of a request that must succeed (2xx). */
async function call<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...ADMIN_AUTHORIZATION,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A day `days` from now, as YYYY-MM-DD. */
const dayFromNow = (days: number): string =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** One lead, qualified, and its deal in the given stage; answers the deal's id. */
async function dealInStage(baseUrl: string, n: number, stage: string): Promise<string> {
  const first = FIRST[n % FIRST.length]!;
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
  const company = COMPANIES[n % COMPANIES.length]!;
  const currency = n % 4 === 3 ? 'USD' : 'EUR';
  const amount = (5 + ((n * 37) % 95)) * 100_000;
  const { id: leadId } = await call<{ id: string }>(baseUrl, 'POST', '/leads', {
    name: `${first} ${last}`,
    email: `${first}.${last}.${n}@example.com`.toLowerCase(),
    company,
    source: SOURCES[n % SOURCES.length],
    tags: n % 3 === 0 ? ['enterprise'] : ['smb'],
  });
  const closeIn = 10 + ((n * 13) % 170);
  await call(baseUrl, 'POST', `/leads/${leadId}/qualify`, {
    budget: { amount, currency },
    timeline: dayFromNow(closeIn),
    authority: 'CFO',
  });
  const { id: dealId } = await call<{ id: string }>(baseUrl, 'POST', '/deals', {
    leadId,
    title: `${company}: ${PRODUCTS[n % PRODUCTS.length]}`,
    value: { amount, currency },
    expectedCloseDate: dayFromNow(closeIn),
    owner: OWNERS[n % OWNERS.length],
    stage,
  });
  return dealId;
}

/** Runs the tasks with at most `concurrency` in flight; answers their results in order. */
async function inParallel<T>(
  count: number,
  concurrency: number,
  task: (n: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      results[n] = await task(n);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export async function seedDemoPipeline(baseUrl: string, options: DemoOptions): Promise<DemoPipeline> {
  const { openDeals, closedDeals = 0, concurrency = 16 } = options;
  const pipeline = await call<{ stages: { stage: string; retired: boolean }[] }>(
    baseUrl,
    'GET',
    '/pipelines/default',
  );
  const stages = pipeline.stages.filter((s) => !s.retired).map((s) => s.stage);
  // Earlier stages hold more deals, as in a real funnel: of ten deals, 4, 3, 2 and 1 in the first four stages.
  const stageOf = (n: number) =>
    stages[Math.min(stages.length - 1, [0, 0, 0, 0, 1, 1, 1, 2, 2, 3][n % 10]!)]!;
  const openDealIds = await inParallel(openDeals, concurrency, (n) => dealInStage(baseUrl, n, stageOf(n)));
  await inParallel(closedDeals, concurrency, async (k) => {
    const n = openDeals + k;
    const dealId = await dealInStage(baseUrl, n, stages[stages.length - 1]!);
    if (k % 2 === 0) await call(baseUrl, 'POST', `/deals/${dealId}/win`, {});
    else await call(baseUrl, 'POST', `/deals/${dealId}/lose`, { reason: k % 4 === 1 ? 'price' : 'timing' });
  });
  return { openDealIds, stages };
}

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { boardReady, launchBrowser, missingBrowser } from '../test/support/browser';
import { startService, stopService } from '../test/support/service-process';
import { TEST_ADMIN_KEY } from '../test/support/test-keys';
import { seedDemoPipeline } from './demo-pipeline';
import { type Figure, percentile } from './stats';

/** Where `npm run build` puts the page (apps/web/build.mjs). */
const WEB_BUILD = join(__dirname, '..', 'apps', 'web', 'build');
/** Where the page keeps the tab's API key (apps/web/src/session.ts). */
const SESSION_KEY = 'sales-pipeline.api-key';

/** The bytes of the page's files, raw and gzipped. */
function bundleSize(): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (!name.endsWith('.map')) {
        const bytes = readFileSync(path);
        raw += bytes.length;
        gzip += gzipSync(bytes).length;
      }
    }
  };
  visit(WEB_BUILD);
  return { raw, gzip };
}

/**
 * Waits until the read models have caught up with the seeded log (GET /health), then a little longer for what
 * follows the log without a health line (the as-of snapshots): loads are measured on a quiet service.
 */
async function settled(baseUrl: string): Promise<void> {
  for (;;) {
    const health = await (await fetch(`${baseUrl}/health`)).text();
    if (!health.includes('"caughtUp":false')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
}

/**
 * A moment of a first load: from the call that starts the navigation here, and from the navigation's start
 * as the page measures it.
 */
interface Moment {
  readonly wallMs: number;
  readonly inPageMs: number;
}

/**
 * One first load: the board shown (its first frame: the columns, their figures and the cards in view) and
 * drawn (every card of it), by the clock here and by the page's own User Timing marks.
 */
interface Load {
  readonly shown: Moment;
  readonly drawn: Moment;
  readonly cards: number;
}

/**
 * Resolves with when one of the page's marks was made, in milliseconds since the epoch (the page's time origin
 * plus the mark's start time: the clock here and the browser's are the machine's), as soon as it is made: a
 * plain evaluation through the DevTools protocol with a PerformanceObserver, so that nothing polls the page or
 * injects a script into it while it loads (Playwright's locators would).
 */
const markMade = (name: string) => `new Promise((resolve) => {
  const made = (entry) => resolve([entry.startTime, performance.timeOrigin + entry.startTime]);
  const entry = performance.getEntriesByName('${name}')[0];
  if (entry) return made(entry);
  new PerformanceObserver((list, observer) => {
    const entry = list.getEntriesByName('${name}')[0];
    if (entry) { observer.disconnect(); made(entry); }
  }).observe({ type: 'mark' });
})`;

async function firstLoad(page: Page, session: CDPSession, url: string, openDeals: number): Promise<Load> {
  const started = performance.timeOrigin + performance.now();
  const moment = async (mark: string): Promise<Moment> => {
    const { result } = (await session.send('Runtime.evaluate', {
      expression: markMade(mark),
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value: [number, number] } };
    const [inPageMs, madeAt] = result.value;
    return { wallMs: madeAt - started, inPageMs };
  };
  await page.goto(`${url}/#/board`, { waitUntil: 'commit' });
  const shown = await moment('board-shown');
  const drawn = await moment('board-drawn');
  // Then, the board checked: whole (not busy), counting every open deal in its columns' figures.
  await boardReady(page);
  const counted = await page
    .locator('[data-testid^="stage-count-"]')
    .evaluateAll((cells) => cells.reduce((sum, cell) => sum + Number(cell.getAttribute('data-value')), 0));
  if (counted !== openDeals) throw new Error(`the board counts ${counted} open deals, not ${openDeals}`);
  return { shown, drawn, cards: await page.locator('article[data-deal-id]').count() };
}

/** A tab signed in already (the key in its sessionStorage, as after a sign-in). */
const signedIn = (context: BrowserContext) =>
  context.addInitScript(([name, key]) => sessionStorage.setItem(name, key), [
    SESSION_KEY,
    TEST_ADMIN_KEY,
  ] as const);

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
const p50AndMax = (values: readonly number[]): string => {
  const ordered = sorted(values);
  return `p50 ${Math.round(percentile(ordered, 50))} ms, max ${Math.round(ordered[ordered.length - 1]!)} ms`;
};

function loadFigure(name: string, loads: readonly Load[], note: string): Figure {
  const wall = sorted(loads.map((l) => l.shown.wallMs));
  return {
    name,
    unit: 'loads/s',
    rate: 1000 / percentile(wall, 50),
    p50Ms: percentile(wall, 50),
    p99Ms: wall[wall.length - 1]!,
    note:
      `${loads.length} loads, max (p99 column) ${Math.round(wall[wall.length - 1]!)} ms; ` +
      `as the page measures it (navigation start to its board-shown mark) ` +
      `${p50AndMax(loads.map((l) => l.shown.inPageMs))}; every one of its ${loads[0]?.cards ?? 0} cards drawn ` +
      `(board-drawn): ${p50AndMax(loads.map((l) => l.drawn.wallMs))} here, ` +
      `${p50AndMax(loads.map((l) => l.drawn.inPageMs))} as the page measures it; ${note}`,
  };
}

/**
 * The dashboard's first load: the built service with `openDeals` open deals in the default pipeline, measured
 * from navigation to the board showing its columns, their figures and the cards in view (its first frame),
 * and to every card of it drawn (the next frame). Twice:
 * a new tab of a running browser with its cache off (a first visit), and a new browser context each time
 * (a fresh profile: the renderer starts too).
 */
export async function dashboardFigures(openDeals = 2000, loads = 15): Promise<Figure[]> {
  const missing = missingBrowser();
  if (missing) {
    process.stdout.write(`  dashboard: skipped (${missing})\n`);
    return [];
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sales-pipeline-bench-dashboard-'));
  const service = await startService({ DATA_DIR: dataDir, AUTO_CREATE_DEALS: 'false' });
  const browser = await launchBrowser();
  try {
    const seeded = Date.now();
    await seedDemoPipeline(service.url, { openDeals, closedDeals: 40 });
    const seedSeconds = (Date.now() - seeded) / 1000;
    await settled(service.url);
    const { raw, gzip } = bundleSize();
    const about = `page ${Math.round(raw / 1024)} KiB, ${Math.round(gzip / 1024)} KiB gzipped; seeded over HTTP in ${seedSeconds.toFixed(1)} s`;

    const running = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await signedIn(running);
    const newTabs: Load[] = [];
    for (let i = 0; i <= loads; i++) {
      const page = await running.newPage();
      const session = await running.newCDPSession(page);
      await session.send('Network.enable');
      await session.send('Network.setCacheDisabled', { cacheDisabled: true });
      const load = await firstLoad(page, session, service.url, openDeals);
      // The first tab starts the browser's renderer: it is the fresh-profile case, measured below.
      if (i > 0) newTabs.push(load);
      await page.close();
    }
    await running.close();

    const freshProfiles: Load[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await signedIn(context);
      const page = await context.newPage();
      freshProfiles.push(await firstLoad(page, await context.newCDPSession(page), service.url, openDeals));
      await context.close();
    }
    return [
      loadFigure(`dashboard: first load, ${openDeals} open deals (new tab, cache off)`, newTabs, about),
      loadFigure(
        `dashboard: first load, ${openDeals} open deals (new browser context)`,
        freshProfiles,
        'the context and its renderer start in each load',
      ),
    ];
  } finally {
    await browser.close();
    await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-keys`, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const openDeals = Number(process.argv[2] ?? 2000);
  void dashboardFigures(openDeals).then((figures) => {
    for (const f of figures) {
      process.stdout.write(
        `${f.name}: p50 ${f.p50Ms?.toFixed(0)} ms, max ${f.p99Ms?.toFixed(0)} ms; ${f.note}\n`,
      );
    }
  });
}

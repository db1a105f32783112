/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the page: they see the DOM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type TestApp, removeDataDir, startApp } from './test-app';

/**
 * Browser tests: the dashboard in headless Chromium (Debian's `chromium`, or CHROMIUM_PATH), driven by
 * playwright-core, against the real application listening on a real port.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ROOT = join(__dirname, '..', '..');

/** Why the browser tests cannot run here; undefined when Chromium is installed. */
export const missingBrowser = (): string | undefined =>
  existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH)`;

/**
 * A describe block that needs Chromium: it runs when Chromium is installed, is skipped with the reason
 * otherwise, and fails under CI (CI=true), where a skipped browser test would pass unseen.
 */
export function describeInBrowser(name: string, block: () => void): void {
  const missing = missingBrowser();
  if (missing === undefined) {
    describe(name, block);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${name}: ${missing}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${missing})`, block);
  }
}

/** Headless Chromium. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });

/**
 * Builds the page from apps/web into a directory of its own (so that test files running at the same time
 * never write over each other's bundle, and the page tested is the sources as they are); its path.
 */
export function buildDashboard(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'sales-pipeline-web-'));
  execFileSync(process.execPath, [join(ROOT, 'apps', 'web', 'build.mjs'), '--out', outDir], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return outDir;
}

export interface Dashboard {
  /** The running app (t.http() as the admin, t.as(key), t.store...). */
  readonly t: TestApp;
  /** Where it listens: http://127.0.0.1:<port>. */
  readonly baseUrl: string;
  /** Stops the app and removes its data and its bundle. */
  readonly close: () => Promise<void>;
}

/**
 * The real application on a temporary store, with the dashboard freshly built, listening on 127.0.0.1 on a
 * free port. `env` adds or overrides settings (see test-app.ts `testConfig`).
 */
export async function startDashboard(env: Record<string, string> = {}): Promise<Dashboard> {
  const webDir = buildDashboard();
  const t = await startApp(undefined, { WEB_DIR: webDir, ...env });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.getHttpServer().address() as AddressInfo;
  return {
    t,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      try {
        await t.close();
      } finally {
        removeDataDir(t.dataDir);
        rmSync(webDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * What a page reported while a test ran: `errors` are its console errors and uncaught exceptions (a test
 * asserts there are none); `failedRequests` are the browser's own lines for answers of status 4xx/5xx
 * ("Failed to load resource"), which an expected refusal (a 409 move) produces and the page's code does not.
 */
export interface PageReport {
  readonly errors: string[];
  readonly failedRequests: string[];
}

export interface DashboardPage extends PageReport {
  readonly page: Page;
}

/** A new page, in a context of its own (its own sessionStorage), opened at the dashboard. */
export async function newPage(browser: Browser, baseUrl: string): Promise<DashboardPage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (text.startsWith('Failed to load resource'))
      failedRequests.push(`${text} (${message.location().url})`);
    else errors.push(`console error: ${text}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.stack ?? error.message}`));
  await page.goto(baseUrl);
  return { page, errors, failedRequests };
}

/** Signs in with the key through the form, and waits for the page's navigation. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
}

/**
 * Waits until the board has rendered its columns and every card (aria-busy="false"), of this pipeline and at
 * this moment when they are named.
 */
export async function boardReady(
  page: Page,
  pipelineId?: string,
  /** The moment the board must show (ISO), or null for now; either, when left out. */
  asOf?: string | null,
): Promise<void> {
  const pipeline = pipelineId === undefined ? '' : `[data-pipeline-id="${pipelineId}"]`;
  const moment = asOf === undefined ? '' : asOf === null ? ':not([data-as-of])' : `[data-as-of="${asOf}"]`;
  await page.locator(`[data-testid="board"]${pipeline}${moment}[aria-busy="false"]`).waitFor();
}

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it stands and fails naming each serious or critical violation. The script is
 * evaluated through the debugging protocol, which the page's Content-Security-Policy does not govern.
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const source = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown }> } }
    ).axe;
    return (await axe.run(document)).violations as AxeViolation[];
  });
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }));
  expect(serious).toEqual([]);
}

/**
 * Retries an assertion until it holds (every 50 ms), then returns; after the timeout it throws the
 * assertion's last failure. For conditions reached through the network (the API catching up), not sleeps.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Sets the page's time-travel slider to a moment (ISO), as dragging it there would, and waits for the page to
 * say it shows the past. The slider is focused first, so that its end is the page's now.
 */
export async function setTimeTravel(page: Page, moment: string): Promise<void> {
  const slider = page.getByLabel('Time travel');
  await slider.focus();
  await slider.evaluate(
    (input: HTMLInputElement, value: string) => {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    String(Date.parse(moment)),
  );
  await page.getByRole('status').filter({ hasText: 'Viewing the past' }).waitFor();
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { boardReady, launchBrowser } from '../test/support/browser';
import { startService, stopService } from '../test/support/service-process';
import { ADMIN_AUTHORIZATION, TEST_ADMIN_KEY } from '../test/support/test-keys';
import { seedDemoPipeline } from './demo-pipeline';

/**
 * npm run screenshots: the pictures of the dashboard in docs/screenshots (shown in the README), taken from the
 * built service on a fresh store filled with a small demo pipeline.
 */
const OUT = join(__dirname, '..', 'docs', 'screenshots');

async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { ...ADMIN_AUTHORIZATION, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { position: string };
}

/** A deal with a story: moved forward and back, a note, a call done and a meeting ahead. */
async function tellStory(baseUrl: string, dealId: string, stages: readonly string[]): Promise<void> {
  await post(baseUrl, `/deals/${dealId}/notes`, { text: 'Budget confirmed by the CFO; legal review next.' });
  await post(baseUrl, `/deals/${dealId}/move`, { stage: stages[2] });
  await post(baseUrl, `/deals/${dealId}/activities`, {
    type: 'call',
    subject: 'Walk through the proposal',
    dueAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await post(baseUrl, `/deals/${dealId}/move`, { stage: stages[1], reason: 'Scope to be agreed again' });
  await post(baseUrl, `/deals/${dealId}/activities`, {
    type: 'meeting',
    subject: 'Scope workshop',
    dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'sales-pipeline-screenshots-'));
  const service = await startService({ DATA_DIR: dataDir, AUTO_CREATE_DEALS: 'false' });
  const browser = await launchBrowser();
  try {
    const { openDealIds, stages } = await seedDemoPipeline(service.url, { openDeals: 36, closedDeals: 14 });
    const dealId = openDealIds[0]!;
    await tellStory(service.url, dealId, stages);

    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
    await context.addInitScript(
      (key) => sessionStorage.setItem('sales-pipeline.api-key', key),
      TEST_ADMIN_KEY,
    );
    const page = await context.newPage();
    await page.goto(`${service.url}/#/board`);
    await boardReady(page);
    await shoot(page, 'board');
    await page.goto(`${service.url}/#/funnel`);
    await page.locator('[data-testid="funnel-view"][aria-busy="false"]').waitFor();
    await page.locator('canvas').first().waitFor();
    await shoot(page, 'funnel');
    await page.goto(`${service.url}/#/deals/${dealId}`);
    await page.locator('[data-testid="deal-page"][aria-busy="false"]').waitFor();
    await shoot(page, 'deal-timeline');
    await context.close();
  } finally {
    await browser.close();
    await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-keys`, { recursive: true, force: true });
  }
}

void main();

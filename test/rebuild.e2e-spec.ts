import { execFile } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openLog, openReadStore } from '@app/application';
import { openSqliteDatabase } from '@app/event-store';
import { ProjectionRunner, shadowCheckpointName } from '@app/read-models';
import { lead, newDataDir, removeDataDir, startApp, testConfig } from './support/test-app';
import { BUILT_API } from './support/service-process';

const REBUILD = join(BUILT_API, '..', 'rebuild.js');

describe('npm run rebuild', () => {
  it('drops the read models and builds them again from the log, with the same answers', async () => {
    let t = await startApp(undefined, { AUTO_CREATE_DEALS: 'true' });
    const dataDir = t.dataDir;
    try {
      let qualified = '0';
      for (const source of ['web_form', 'referral', 'web_form']) {
        const leadId = (await t.http().post('/leads').send(lead({ source })).expect(201)).body.id as string;
        const answer = await t
          .http()
          .post(`/leads/${leadId}/qualify`)
          .send({ budget: { amount: 900, currency: 'EUR' }, timeline: '2026-10-01' })
          .expect(200);
        qualified = answer.body.position as string;
      }
      // The last qualification's position waits for the automation's three deals and the read models.
      await t.http().get(`/deals?minPosition=${qualified}`).expect(200);
      const head = await t.store.headPosition();
      // The admin key's issue, three captures, three qualifications, three deals.
      expect(head).toBe(10n);
      const urls = ['/analytics/pipeline', '/analytics/funnel', '/leads', '/deals'];
      const before = await Promise.all(
        urls.map(async (url) => (await t.http().get(`${url}?minPosition=${head}`).expect(200)).body),
      );
      await t.close();

      const { stdout } = await promisify(execFile)(process.execPath, [REBUILD], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      expect(stdout).toMatch(
        /rebuilt pipelines, lead-list, deal-list, pipeline, funnel, stages, forecast, losses, activities, merkle-tree, lead-emails from 10 events/,
      );

      t = await startApp(dataDir);
      const after = await Promise.all(
        urls.map(async (url) => (await t.http().get(`${url}?minPosition=${head}`).expect(200)).body),
      );
      expect(after).toEqual(before);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });

  it('rebuilds a data directory of the previous version in the current schema, with the same answers', async () => {
    const fixture = join(__dirname, 'fixtures', 'upgrade-v1');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const recorded = require(join(fixture, 'answers.json')) as {
      head: string;
      answers: Record<string, { body: object }>;
    };
    const dataDir = newDataDir();
    cpSync(join(fixture, 'data'), dataDir, { recursive: true });
    try {
      await promisify(execFile)(process.execPath, [REBUILD], { env: { ...process.env, DATA_DIR: dataDir } });
      const t = await startApp(dataDir);
      try {
        for (const url of ['/analytics/pipeline', '/analytics/funnel', '/leads', '/deals']) {
          const now = await t.http().get(`${url}?minPosition=${recorded.head}`).expect(200);
          // The same answers, as of a log that has grown by the admin key this start issued.
          const { position: _, ...before } = recorded.answers[url]!.body as { position?: string };
          expect(now.body).toMatchObject(before);
        }
        // Old deals were folded through the upcaster: they are in the default pipeline.
        const deals = (await t.http().get('/deals?pipelineId=default').expect(200)).body.items as unknown[];
        expect(deals).toHaveLength((recorded.answers['/deals']!.body as { items: unknown[] }).items.length);
      } finally {
        await t.close();
      }
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('builds in place and drops the shadow a service left half-built beside a projection', async () => {
    let t = await startApp();
    const dataDir = t.dataDir;
    try {
      for (const company of ['Initech', 'Globex', 'Umbrella']) {
        await t.http().post('/leads').send(lead({ company })).expect(201);
      }
      const head = await t.store.headPosition();
      const before = (await t.http().get(`/leads?minPosition=${head}`).expect(200)).body;
      await t.close();

      // The lead list's documents of an earlier version, its new version built one batch into its shadow.
      const config = testConfig(dataDir);
      const db = openSqliteDatabase(join(dataDir, 'read-models.sqlite'));
      db.prepare(`UPDATE checkpoints SET version = version - 1000000 WHERE name = 'lead-list'`).run();
      db.close();
      const log = await openLog(config);
      const reads = await openReadStore(config);
      await new ProjectionRunner(log.current, reads.store, log.projections, { batchSize: 1 }).advance();
      expect(await reads.store.checkpoint(shadowCheckpointName('lead-list'))).toMatchObject({ position: 1n });
      await reads.close();
      await log.close();

      await promisify(execFile)(process.execPath, [REBUILD, 'lead-list'], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      const rebuilt = openSqliteDatabase(join(dataDir, 'read-models.sqlite'));
      try {
        expect(rebuilt.prepare(`SELECT name FROM checkpoints WHERE name LIKE '%.shadow'`).all()).toEqual([]);
        const tables = rebuilt.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
        // Neither a shadow's tables (doc__shadow_...) nor any put aside by a swap.
        expect(tables.filter((name) => String(name).startsWith('doc__'))).toEqual([]);
      } finally {
        rebuilt.close();
      }
      t = await startApp(dataDir);
      expect((await t.http().get(`/leads?minPosition=${head}`).expect(200)).body).toEqual(before);
    } finally {
      await t.close();
      removeDataDir(dataDir);
    }
  });

  it('refuses an unknown projection name', async () => {
    await expect(
      promisify(execFile)(process.execPath, [REBUILD, 'nonsense'], {
        env: { ...process.env, DATA_DIR: 'unused' },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('unknown projection nonsense') });
  });
});

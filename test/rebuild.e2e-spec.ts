import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lead, removeDataDir, startApp } from './support/test-app';
import { BUILT_API } from './support/service-process';

const REBUILD = join(BUILT_API, '..', 'rebuild.js');

describe('npm run rebuild', () => {
  it('drops the read models and builds them again from the log, with the same answers', async () => {
    let t = await startApp(undefined, { AUTO_CREATE_DEALS: 'true' });
    const dataDir = t.dataDir;
    try {
      for (const source of ['web_form', 'referral', 'web_form']) {
        const leadId = (await t.http().post('/leads').send(lead({ source })).expect(201)).body.id as string;
        await t
          .http()
          .post(`/leads/${leadId}/qualify`)
          .send({ budget: { amount: 900, currency: 'EUR' }, timeline: '2026-10-01' })
          .expect(200);
      }
      let head = await t.store.headPosition();
      // Wait for the automation's three deals, then for the read models to include them.
      for (let i = 0; i < 100 && head < 9n; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        head = await t.store.headPosition();
      }
      const urls = ['/analytics/pipeline', '/analytics/funnel', '/leads', '/deals'];
      const before = await Promise.all(
        urls.map(async (url) => (await t.http().get(`${url}?minPosition=${head}`).expect(200)).body),
      );
      await t.close();

      const { stdout } = await promisify(execFile)(process.execPath, [REBUILD], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      expect(stdout).toMatch(/rebuilt lead-list, deal-list, pipeline, funnel from 9 events/);

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

  it('refuses an unknown projection name', async () => {
    await expect(
      promisify(execFile)(process.execPath, [REBUILD, 'nonsense'], {
        env: { ...process.env, DATA_DIR: 'unused' },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('unknown projection nonsense') });
  });
});

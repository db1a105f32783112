import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BUILT_API, BUILT_PROJECTOR } from './support/service-process';
import { newDataDir, removeDataDir, startApp } from './support/test-app';

const run = (script: string, env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [script], { env: { ...process.env, ...env }, timeout: 30_000 });

describe('Start-up and health', () => {
  const scratch = newDataDir();
  afterAll(() => removeDataDir(scratch));

  it('a bad setting stops the start with a message that names it', async () => {
    await expect(run(BUILT_API, { PORT: 'eighty', DATA_DIR: scratch })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('PORT must be an integer from 0 to 65535, got "eighty"'),
    });
    await expect(run(BUILT_PROJECTOR, { EVENT_STORE: 'eventstoredb' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('EVENTSTORE_URL must be'),
    });
  });

  it('an unreachable MongoDB stops the start with a message that names it', async () => {
    const dataDir = newDataDir();
    try {
      await expect(
        run(BUILT_API, {
          DATA_DIR: dataDir,
          PORT: '0',
          READ_STORE: 'mongodb',
          MONGODB_URL: 'mongodb://127.0.0.1:1/?replicaSet=rs0&serverSelectionTimeoutMS=500',
        }),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/MongoDB read store cannot connect to mongodb:\/\/127\.0\.0\.1:1/),
      });
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('an unreachable EventStoreDB stops the start with a message that names it', async () => {
    await expect(
      run(BUILT_PROJECTOR, {
        DATA_DIR: scratch,
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('127.0.0.1:1') });
  });

  it('/health answers 503 and names the store when the event store cannot answer', async () => {
    const t = await startApp();
    try {
      await t.http().get('/health').expect(200);
      await t.store.close();
      const health = await t.http().get('/health');
      expect(health.status).toBe(503);
      expect(health.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(health.body).toMatchObject({
        status: 503,
        detail: expect.stringContaining('eventStore'),
        health: {
          status: 'error',
          error: { eventStore: { status: 'down', message: expect.stringContaining('closed') } },
        },
      });
    } finally {
      await t.close();
      removeDataDir(t.dataDir);
    }
  });
});

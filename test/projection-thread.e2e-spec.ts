import { EventSource } from 'eventsource';
import { lead, newDataDir, qualification, removeDataDir } from './support/test-app';
import { type ServiceProcess, callService, startService, stopService } from './support/service-process';
import { ADMIN_AUTHORIZATION } from './support/test-keys';

/**
 * The built service on the embedded default runs its projections and the automation on a worker thread
 * with connections of its own. Polling is set to a minute, so every wake-up below must come through the
 * relay between the threads: main -> thread for commands, thread -> main for the automation's deals.
 */
describe('projections on a worker thread of the built service', () => {
  const dataDir = newDataDir();
  const env = { DATA_DIR: dataDir, POLL_INTERVAL_MS: '60000', READ_WAIT_MS: '15000' };
  let api: ServiceProcess | undefined;
  let source: EventSource | undefined;

  const call = (method: string, path: string, body?: unknown) => callService(api!, method, path, body);
  type Pipeline = { stages: { stage: string; openDeals: number }[]; position: string };

  afterAll(async () => {
    source?.close();
    if (api) await stopService(api, 'SIGKILL');
    removeDataDir(dataDir);
  });

  it('keeps the read models and the automation up to date, wakes each side, and stops cleanly', async () => {
    api = await startService(env);
    expect(api.output()).toContain('projections and the automation run on a worker thread');

    // The thread's automation writes DealCreated on its own connection; the main thread's event stream
    // must still deliver it without waiting a poll interval.
    const events = new EventSource(`${api.url}/events?from=end`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...ADMIN_AUTHORIZATION } }),
    });
    source = events;
    const dealsSeen: string[] = [];
    events.addEventListener('DealCreated', (event) => dealsSeen.push(event.lastEventId));
    await new Promise((resolve) => events.addEventListener('open', resolve));

    const leads: string[] = [];
    for (let i = 0; i < 12; i++) leads.push((await call('POST', '/leads', lead()))['id'] as string);
    let last = '';
    for (const leadId of leads.slice(0, 6)) {
      last = (await call('POST', `/leads/${leadId}/qualify`, qualification()))['position'] as string;
    }
    // Read-your-writes: answered once the thread has folded the qualification.
    const leadList = (await call('GET', `/leads?status=qualified&minPosition=${last}`)) as {
      items: unknown[];
    };
    expect(leadList.items).toHaveLength(6);

    for (let i = 0; i < 200 && dealsSeen.length < 6; i++) await new Promise((r) => setTimeout(r, 50));
    events.close();
    expect(dealsSeen).toHaveLength(6);

    const head = ((await call('GET', '/health')) as { info: { eventStore: { head: string } } }).info
      .eventStore.head;
    const pipeline = (await call('GET', `/analytics/pipeline?minPosition=${head}`)) as Pipeline;
    expect(pipeline.stages[0]).toMatchObject({ stage: 'qualification', openDeals: 6 });

    // SIGTERM: the thread finishes its batch and closes its stores before the process ends, with exit code 0.
    await stopService(api);
    expect(api.child.exitCode).toBe(0);
    expect(api.output()).toContain('the projection thread has stopped');
    expect(api.output()).not.toMatch(/ERROR/);

    // The same store on the main thread: every checkpoint at the head, the same report.
    api = await startService({ ...env, PROJECTION_THREAD: 'false' });
    expect(api.output()).not.toContain('worker thread');
    const again = (await call('GET', `/analytics/pipeline?minPosition=${head}`)) as Pipeline;
    expect(again).toEqual(pipeline);
  });
});

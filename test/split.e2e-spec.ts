import { lead, newDataDir, removeDataDir } from './support/test-app';
import {
  BUILT_PROJECTOR,
  type ServiceProcess,
  callService,
  startService,
  stopService,
} from './support/service-process';

/**
 * The production shape on the embedded default: an API that runs no projection (RUN_PROJECTIONS=false) and a
 * projector process, two processes on one data directory. The projector is killed mid-stream and restarted.
 */
describe('API and projector as two processes on one data directory', () => {
  const dataDir = newDataDir();
  const env = { DATA_DIR: dataDir, POLL_INTERVAL_MS: '50', READ_WAIT_MS: '15000' };
  let api: ServiceProcess | undefined;
  let projector: ServiceProcess | undefined;

  const startProjector = () => startService(env, BUILT_PROJECTOR, /following the event log()/);
  const call = (method: string, path: string, body?: unknown) => callService(api!, method, path, body);
  const qualifiedAt = new Map<string, string>();
  const qualify = async (leadId: string, amount: number, currency: string) => {
    const answer = await call('POST', `/leads/${leadId}/qualify`, {
      budget: { amount, currency },
      timeline: '2026-12-31',
    });
    qualifiedAt.set(leadId, answer['position'] as string);
  };
  /**
   * The lead's deal, read once with the position its qualification returned: the API waits on the checkpoints
   * the projector writes until the automation has handled it and the read models include the deal it made.
   */
  const dealOf = async (leadId: string) => {
    const page = (await call('GET', `/deals?leadId=${leadId}&minPosition=${qualifiedAt.get(leadId)}`)) as {
      items: { dealId: string }[];
    };
    if (!page.items[0]) throw new Error(`no deal for ${leadId} at the position its qualification returned`);
    return page.items[0].dealId;
  };

  afterAll(async () => {
    if (api) await stopService(api);
    if (projector) await stopService(projector, 'SIGKILL');
    removeDataDir(dataDir);
  });

  it('answers commands and correct reports; a killed projector resumes without losing or double-counting', async () => {
    projector = await startProjector();
    api = await startService({ ...env, RUN_PROJECTIONS: 'false' });

    const leads: string[] = [];
    for (let i = 0; i < 24; i++) {
      const captured = await call('POST', '/leads', lead({ source: i % 2 === 0 ? 'web_form' : 'referral' }));
      leads.push(captured['id'] as string);
    }
    // Half of them qualified while the projector runs: it creates their deals.
    for (const leadId of leads.slice(0, 8)) await qualify(leadId, 1000, 'EUR');
    for (const leadId of leads.slice(0, 4)) await call('POST', `/deals/${await dealOf(leadId)}/win`, {});

    // The projector dies mid-stream; commands go on being accepted.
    projector.child.kill('SIGKILL');
    await stopService(projector);
    for (const leadId of leads.slice(8, 16)) await qualify(leadId, 500, 'USD');
    await call('POST', `/leads/${leads[20]}/disqualify`, { reason: 'spam' });
    const health = (await call('GET', '/health')) as {
      info: { readModels: { projections: { caughtUp: boolean }[] } };
    };
    expect(health.info.readModels.projections.some((p) => !p.caughtUp)).toBe(true);

    projector = await startProjector();
    for (const leadId of leads.slice(8, 12))
      await call('POST', `/deals/${await dealOf(leadId)}/lose`, { reason: 'price' });
    for (const leadId of leads.slice(12, 16)) await dealOf(leadId);

    const head = ((await call('GET', '/health')) as { info: { eventStore: { head: string } } }).info
      .eventStore.head;
    const funnel = (await call('GET', `/analytics/funnel?minPosition=${head}`)) as {
      sources: {
        source: string;
        captured: number;
        qualified: number;
        disqualified: number;
        dealsCreated: number;
        won: number;
        lost: number;
      }[];
    };
    const totals = funnel.sources.reduce(
      (sum, s) => ({
        captured: sum.captured + s.captured,
        qualified: sum.qualified + s.qualified,
        disqualified: sum.disqualified + s.disqualified,
        dealsCreated: sum.dealsCreated + s.dealsCreated,
        won: sum.won + s.won,
        lost: sum.lost + s.lost,
      }),
      { captured: 0, qualified: 0, disqualified: 0, dealsCreated: 0, won: 0, lost: 0 },
    );
    expect(totals).toEqual({
      captured: 24,
      qualified: 16,
      disqualified: 1,
      dealsCreated: 16,
      won: 4,
      lost: 4,
    });

    const pipeline = (await call('GET', `/analytics/pipeline?minPosition=${head}`)) as {
      stages: { stage: string; openDeals: number; values: { currency: string; total: number }[] }[];
      won: { deals: number; values: { currency: string; total: number }[] };
      lost: { deals: number; values: { currency: string; total: number }[] };
    };
    expect(pipeline.stages[0]).toMatchObject({
      stage: 'qualification',
      openDeals: 8,
      values: [
        { currency: 'EUR', total: 4000 },
        { currency: 'USD', total: 2000 },
      ],
    });
    expect(pipeline.won).toEqual({ deals: 4, values: [{ currency: 'EUR', total: 4000 }] });
    expect(pipeline.lost).toEqual({ deals: 4, values: [{ currency: 'USD', total: 2000 }] });

    // Exactly one deal per qualified lead, whatever the restart did.
    const deals = (await call('GET', `/deals?limit=100&minPosition=${head}`)) as {
      items: { leadId: string }[];
    };
    expect(deals.items).toHaveLength(16);
    expect(new Set(deals.items.map((d) => d.leadId)).size).toBe(16);
    // Three process starts (the projector twice) and their work: more than the default on a busy machine.
  }, 90_000);
});

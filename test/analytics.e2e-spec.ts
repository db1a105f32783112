import { lead, problemOf, useApp, retireStage, momentBetween } from './support/test-app';

type Money = { amount: number; currency: string };

/**
 * A scripted dataset in two phases, and every report checked number by number on it: now, as of a moment
 * between the phases, over periods, per owner, and right after a command (minPosition).
 *
 * Phase one: pipeline "enterprise" (discovery 10, solution 40, legal 70); deals
 *   D1 default, EUR 100000, ada, closes 2030-09-15, advanced to demo
 *   D2 default, USD 50000, grace, closes 2030-10-01, in qualification
 *   D3 default, EUR 40000, grace, closes 2030-09-30, moved to proposal and won
 *   D4 enterprise, EUR 200000, grace, closes 2030-11-30, created in solution
 *   D5 enterprise, GBP 80000, no owner, closes 2030-12-31, moved to legal
 *   D6 default, EUR 30000, bob, closes 2030-10-15, lost in qualification (price, Acme)
 *   lead X disqualified.
 * Phase two:
 *   D1 forward to proposal, back to demo with a reason; value EUR 120000, probability override 50; owner grace
 *   D2 value USD 55005, closes 2030-11-15, owner ada (one PATCH)
 *   D3 reopened (open in proposal again); value CHF 45000
 *   D6 reopened, moved to enterprise/legal
 *   enterprise renamed "Enterprise sales"; legal 70 -> 80; stage security (50) added after solution;
 *   solution retired while D4 is in it; discovery renamed "Discovery call"; security moved before solution
 *   D5 lost in legal (price, Globex)
 *   D7 default, JPY 1000000, ada, won in qualification
 *   D8 default, USD 10000, no owner, moved to demo, lost there (price)
 *   D9 default, EUR 25000, grace, lost in qualification (timing, Globex)
 *   lead X reactivated and qualified.
 */
describe('Reports on a scripted dataset: pipeline, stages, forecast, losses, funnel', () => {
  // A short wait before 503, for the test of it; the reports below reach their minPosition at once.
  const t = useApp({ READ_WAIT_MS: '500' });
  const leads: Record<string, string> = {};
  const deals: Record<string, string> = {};
  /** Every command of the dataset that was not answered 2xx, to be reported by the first test. */
  const refusedCommands: string[] = [];
  let last = '0';
  let phaseOneLast = '0';
  let phaseOneEnd = '';

  const ok = async (what: string, response: PromiseLike<{ status: number; body: { position?: string } }>) => {
    const answer = await response;
    if (answer.status >= 300)
      refusedCommands.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    else last = answer.body.position!;
    return answer;
  };
  const capture = (name: string, source: string) =>
    ok(`capture ${name}`, t.http().post('/leads').send(lead({ name, source }))).then((r) => {
      leads[name] = (r.body as { id: string }).id;
    });
  const qualify = (name: string) =>
    ok(
      `qualify ${name}`,
      t
        .http()
        .post(`/leads/${leads[name]}/qualify`)
        .send({ budget: { amount: 1, currency: 'EUR' }, timeline: '2030-01-31' }),
    );
  const deal = async (
    name: string,
    leadName: string,
    value: Money,
    expectedCloseDate: string,
    fields: Record<string, unknown> = {},
  ) => {
    const created = await ok(
      `create ${name}`,
      t
        .http()
        .post('/deals')
        .send({ leadId: leads[leadName], title: name, value, expectedCloseDate, ...fields }),
    );
    deals[name] = (created.body as { id: string }).id;
  };
  const command = (name: string, path: string, body: object) =>
    ok(`${path} ${name}`, t.http().post(`/deals/${deals[name]}/${path}`).send(body));
  const patch = (name: string, body: object) =>
    ok(`patch ${name}`, t.http().patch(`/deals/${deals[name]}`).send(body));

  const retire = async (pipelineId: string, stage: string) => {
    last = (await retireStage(t, pipelineId, stage)).position;
  };

  beforeAll(async () => {
    // Phase one.
    await ok(
      'define enterprise',
      t
        .http()
        .post('/pipelines')
        .send({
          pipelineId: 'enterprise',
          name: 'Enterprise',
          stages: [
            { stage: 'discovery', probability: 10 },
            { stage: 'solution', name: 'Solution design', probability: 40, rottenAfterDays: 14 },
            { stage: 'legal', probability: 70 },
          ],
        }),
    );
    for (const [name, source] of [
      ['A', 'web_form'],
      ['B', 'web_form'],
      ['C', 'referral'],
      ['D', 'referral'],
      ['E', 'event'],
      ['F', 'web_form'],
      ['X', 'referral'],
    ] as const) {
      await capture(name, source);
    }
    for (const name of ['A', 'B', 'C', 'D', 'E', 'F']) await qualify(name);
    await deal('D1', 'A', { amount: 100_000, currency: 'EUR' }, '2030-09-15', { owner: 'ada' });
    await command('D1', 'advance', { stage: 'demo' });
    await deal('D2', 'B', { amount: 50_000, currency: 'USD' }, '2030-10-01', { owner: 'grace' });
    await deal('D3', 'C', { amount: 40_000, currency: 'EUR' }, '2030-09-30', { owner: 'grace' });
    await command('D3', 'move', { stage: 'proposal' });
    await command('D3', 'win', {});
    await deal('D4', 'D', { amount: 200_000, currency: 'EUR' }, '2030-11-30', {
      owner: 'grace',
      pipelineId: 'enterprise',
      stage: 'solution',
    });
    await deal('D5', 'E', { amount: 80_000, currency: 'GBP' }, '2030-12-31', { pipelineId: 'enterprise' });
    await command('D5', 'move', { stage: 'legal' });
    await deal('D6', 'F', { amount: 30_000, currency: 'EUR' }, '2030-10-15', { owner: 'bob' });
    await command('D6', 'lose', { reason: 'price', competitor: 'Acme' });
    await ok('disqualify X', t.http().post(`/leads/${leads['X']}/disqualify`).send({ reason: 'no_budget' }));
    phaseOneLast = last;
    phaseOneEnd = await momentBetween();

    // Phase two.
    await command('D1', 'move', { stage: 'proposal' });
    await command('D1', 'move', { stage: 'demo', reason: 'a new stakeholder wants a demo' });
    await patch('D1', { value: { amount: 120_000, currency: 'EUR' }, probability: 50 });
    await patch('D1', { owner: 'grace' });
    await patch('D2', {
      value: { amount: 55_005, currency: 'USD' },
      expectedCloseDate: '2030-11-15',
      owner: 'ada',
    });
    await command('D3', 'reopen', { reason: 'the contract fell through' });
    await patch('D3', { value: { amount: 45_000, currency: 'CHF' } });
    await command('D6', 'reopen', { reason: 'Acme could not deliver' });
    await command('D6', 'pipeline', { pipelineId: 'enterprise', stage: 'legal' });
    await ok('rename enterprise', t.http().patch('/pipelines/enterprise').send({ name: 'Enterprise sales' }));
    await ok(
      're-weigh legal',
      t.http().patch('/pipelines/enterprise/stages/legal').send({ probability: 80 }),
    );
    await ok(
      'add security',
      t
        .http()
        .post('/pipelines/enterprise/stages')
        .send({ stage: 'security', probability: 50, after: 'solution' }),
    );
    await retire('enterprise', 'solution');
    await ok(
      'rename discovery',
      t.http().patch('/pipelines/enterprise/stages/discovery').send({ name: 'Discovery call' }),
    );
    await ok(
      'reorder enterprise',
      t
        .http()
        .put('/pipelines/enterprise/stage-order')
        .send({ stages: ['discovery', 'security', 'solution', 'legal'] }),
    );
    await command('D5', 'lose', { reason: 'price', competitor: 'Globex' });
    for (const [name, source] of [
      ['G', 'web_form'],
      ['H', 'event'],
      ['I', 'referral'],
    ] as const) {
      await capture(name, source);
      await qualify(name);
    }
    await deal('D7', 'G', { amount: 1_000_000, currency: 'JPY' }, '2030-12-01', { owner: 'ada' });
    await command('D7', 'win', {});
    await deal('D8', 'H', { amount: 10_000, currency: 'USD' }, '2030-12-01');
    await command('D8', 'move', { stage: 'demo' });
    await command('D8', 'lose', { reason: 'price' });
    await deal('D9', 'I', { amount: 25_000, currency: 'EUR' }, '2030-12-01', { owner: 'grace' });
    await command('D9', 'lose', { reason: 'timing', competitor: 'Globex' });
    await ok(
      'reactivate X',
      t.http().post(`/leads/${leads['X']}/reactivate`).send({ reason: 'budget approved' }),
    );
    await qualify('X');
  });

  const get = async (url: string) => {
    const response = await t.http().get(url);
    expect({ url, status: response.status }).toEqual({ url, status: 200 });
    return response.body;
  };
  const asOf = () => `asOf=${encodeURIComponent(phaseOneEnd)}`;

  /** The month (YYYY-MM) a deal was won in, from its DealWon event. */
  const wonMonth = async (name: string) => {
    const won = (await t.store.readStream(`deal-${deals[name]}`)).filter((e) => e.type === 'DealWon');
    return (won[won.length - 1]!.data['wonAt'] as string).slice(0, 7);
  };

  it('the dataset was written over HTTP, every command accepted', () => {
    expect(refusedCommands).toEqual([]);
    expect(BigInt(phaseOneLast)).toBeLessThan(BigInt(last));
  });

  describe('GET /analytics/pipeline', () => {
    const empty = (stage: string, name: string, probability: number, retired = false) => ({
      stage,
      name,
      probability,
      retired,
      openDeals: 0,
      rottingDeals: 0,
      values: [],
    });
    const row = (
      stage: string,
      name: string,
      probability: number,
      values: { currency: string; total: number; weighted: number }[],
      retired = false,
    ) => ({ stage, name, probability, retired, openDeals: values.length, rottingDeals: 0, values });
    const none = { deals: 0, values: [] };

    it('default pipeline now: overrides, reverts, reopen, value and currency changes, a deal moved out', async () => {
      const report = await get(`/analytics/pipeline?minPosition=${last}`);
      expect(report).toEqual({
        position: last,
        pipelineId: 'default',
        name: 'Default pipeline',
        stages: [
          // D2: 55005 x 10% = 5500.5, halves up.
          row('qualification', 'Qualification', 10, [{ currency: 'USD', total: 55_005, weighted: 5_501 }]),
          // D1: its own 50%, not the stage's 30%.
          row('demo', 'Demo', 30, [{ currency: 'EUR', total: 120_000, weighted: 60_000 }]),
          // D3, reopened: open again where it was won, at its new value.
          row('proposal', 'Proposal', 60, [{ currency: 'CHF', total: 45_000, weighted: 27_000 }]),
          empty('negotiation', 'Negotiation', 80),
        ],
        // D3's win no longer counts; D6's loss neither (reopened, then moved to another pipeline).
        won: { deals: 1, values: [{ currency: 'JPY', total: 1_000_000 }] },
        lost: {
          deals: 2,
          values: [
            { currency: 'EUR', total: 25_000 },
            { currency: 'USD', total: 10_000 },
          ],
        },
      });
    });

    it('default pipeline per owner: owners by name, no owner last, an owner without deals left no row', async () => {
      const report = await get(`/analytics/pipeline?pipelineId=default&groupBy=owner&minPosition=${last}`);
      expect(report.owners).toEqual([
        {
          owner: 'ada',
          stages: [
            row('qualification', 'Qualification', 10, [{ currency: 'USD', total: 55_005, weighted: 5_501 }]),
            empty('demo', 'Demo', 30),
            empty('proposal', 'Proposal', 60),
            empty('negotiation', 'Negotiation', 80),
          ],
          won: { deals: 1, values: [{ currency: 'JPY', total: 1_000_000 }] },
          lost: none,
        },
        {
          owner: 'grace',
          stages: [
            empty('qualification', 'Qualification', 10),
            // D1 took its own probability along to its new owner.
            row('demo', 'Demo', 30, [{ currency: 'EUR', total: 120_000, weighted: 60_000 }]),
            row('proposal', 'Proposal', 60, [{ currency: 'CHF', total: 45_000, weighted: 27_000 }]),
            empty('negotiation', 'Negotiation', 80),
          ],
          won: none,
          lost: { deals: 1, values: [{ currency: 'EUR', total: 25_000 }] },
        },
        {
          owner: null,
          stages: [
            empty('qualification', 'Qualification', 10),
            empty('demo', 'Demo', 30),
            empty('proposal', 'Proposal', 60),
            empty('negotiation', 'Negotiation', 80),
          ],
          won: none,
          lost: { deals: 1, values: [{ currency: 'USD', total: 10_000 }] },
        },
      ]);
      const { owners: _owners, ...whole } = report;
      expect(whole).toEqual(await get(`/analytics/pipeline?minPosition=${last}`));
    });

    it('enterprise now: renamed, re-weighted, reordered, a stage added and renamed, a retired stage listed while it holds a deal', async () => {
      const report = await get(`/analytics/pipeline?pipelineId=enterprise&groupBy=owner&minPosition=${last}`);
      const solution = row(
        'solution',
        'Solution design',
        40,
        [{ currency: 'EUR', total: 200_000, weighted: 80_000 }],
        true,
      );
      const legal = row('legal', 'Legal', 80, [{ currency: 'EUR', total: 30_000, weighted: 24_000 }]);
      expect(report).toEqual({
        position: last,
        pipelineId: 'enterprise',
        name: 'Enterprise sales',
        stages: [
          empty('discovery', 'Discovery call', 10),
          empty('security', 'Security', 50),
          solution,
          legal,
        ],
        won: none,
        lost: { deals: 1, values: [{ currency: 'GBP', total: 80_000 }] },
        owners: [
          {
            owner: 'bob',
            stages: [
              empty('discovery', 'Discovery call', 10),
              empty('security', 'Security', 50),
              { ...empty('solution', 'Solution design', 40), retired: true },
              legal,
            ],
            won: none,
            lost: none,
          },
          {
            owner: 'grace',
            stages: [
              empty('discovery', 'Discovery call', 10),
              empty('security', 'Security', 50),
              solution,
              empty('legal', 'Legal', 80),
            ],
            won: none,
            lost: none,
          },
          {
            owner: null,
            stages: [
              empty('discovery', 'Discovery call', 10),
              empty('security', 'Security', 50),
              { ...empty('solution', 'Solution design', 40), retired: true },
              empty('legal', 'Legal', 80),
            ],
            won: none,
            lost: { deals: 1, values: [{ currency: 'GBP', total: 80_000 }] },
          },
        ],
      });
    });

    it('as of the moment between the phases: the deals, values, owners and probabilities of then', async () => {
      expect(await get(`/analytics/pipeline?groupBy=owner&${asOf()}`)).toEqual({
        position: phaseOneLast,
        pipelineId: 'default',
        name: 'Default pipeline',
        stages: [
          row('qualification', 'Qualification', 10, [{ currency: 'USD', total: 50_000, weighted: 5_000 }]),
          row('demo', 'Demo', 30, [{ currency: 'EUR', total: 100_000, weighted: 30_000 }]),
          empty('proposal', 'Proposal', 60),
          empty('negotiation', 'Negotiation', 80),
        ],
        won: { deals: 1, values: [{ currency: 'EUR', total: 40_000 }] },
        lost: { deals: 1, values: [{ currency: 'EUR', total: 30_000 }] },
        owners: [
          {
            owner: 'ada',
            stages: [
              empty('qualification', 'Qualification', 10),
              row('demo', 'Demo', 30, [{ currency: 'EUR', total: 100_000, weighted: 30_000 }]),
              empty('proposal', 'Proposal', 60),
              empty('negotiation', 'Negotiation', 80),
            ],
            won: none,
            lost: none,
          },
          {
            owner: 'bob',
            stages: [
              empty('qualification', 'Qualification', 10),
              empty('demo', 'Demo', 30),
              empty('proposal', 'Proposal', 60),
              empty('negotiation', 'Negotiation', 80),
            ],
            won: none,
            lost: { deals: 1, values: [{ currency: 'EUR', total: 30_000 }] },
          },
          {
            owner: 'grace',
            stages: [
              row('qualification', 'Qualification', 10, [
                { currency: 'USD', total: 50_000, weighted: 5_000 },
              ]),
              empty('demo', 'Demo', 30),
              empty('proposal', 'Proposal', 60),
              empty('negotiation', 'Negotiation', 80),
            ],
            won: { deals: 1, values: [{ currency: 'EUR', total: 40_000 }] },
            lost: none,
          },
        ],
      });
      expect(await get(`/analytics/pipeline?pipelineId=enterprise&${asOf()}`)).toEqual({
        position: phaseOneLast,
        pipelineId: 'enterprise',
        name: 'Enterprise',
        stages: [
          empty('discovery', 'Discovery', 10),
          row('solution', 'Solution design', 40, [{ currency: 'EUR', total: 200_000, weighted: 80_000 }]),
          // Legal weighed 70% then.
          row('legal', 'Legal', 70, [{ currency: 'GBP', total: 80_000, weighted: 56_000 }]),
        ],
        won: none,
        lost: none,
      });
      // As of now: the same as the live report.
      const now = encodeURIComponent(new Date().toISOString());
      expect(await get(`/analytics/pipeline?pipelineId=enterprise&asOf=${now}`)).toEqual(
        await get('/analytics/pipeline?pipelineId=enterprise'),
      );
    });

    it('as of a moment before the pipeline existed: 404 PIPELINE_NOT_FOUND', async () => {
      const response = await t.http().get('/analytics/pipeline?pipelineId=enterprise&asOf=2020-01-01');
      expect(response.status).toBe(404);
      expect(problemOf(response).code).toBe('PIPELINE_NOT_FOUND');
    });
  });

  describe('GET /analytics/stages', () => {
    type Exit = 'forward' | 'back' | 'won' | 'lost' | 'movedOut';
    interface Stay {
      pipelineId: string;
      stage: string;
      enteredAt: string;
      exit: Exit;
      leftAt: string;
    }

    /** Every ended stay of the dataset's deals, from their streams: an independent fold over the events. */
    const endedStays = async (): Promise<Stay[]> => {
      const stays: Stay[] = [];
      for (const dealId of Object.values(deals)) {
        let open: Omit<Stay, 'exit' | 'leftAt'> | null = null;
        let pipelineId = '';
        const end = (exit: Exit, at: string) => {
          if (open) stays.push({ ...open, exit, leftAt: at });
          open = null;
        };
        for (const event of await t.store.readStream(`deal-${dealId}`)) {
          const at = event.metadata.occurredAt;
          const data = event.data;
          switch (event.type) {
            case 'DealCreated':
              pipelineId = data['pipelineId'] as string;
              open = { pipelineId, stage: data['stage'] as string, enteredAt: at };
              break;
            case 'StageAdvanced':
            case 'StageReverted':
              end(event.type === 'StageAdvanced' ? 'forward' : 'back', at);
              open = { pipelineId, stage: data['to'] as string, enteredAt: at };
              break;
            case 'DealWon':
            case 'DealLost':
              end(event.type === 'DealWon' ? 'won' : 'lost', at);
              break;
            case 'DealReopened':
              open = { pipelineId, stage: data['stage'] as string, enteredAt: at };
              break;
            case 'DealMovedToPipeline': {
              end('movedOut', at);
              const to = data['to'] as { pipelineId: string; stage: string };
              pipelineId = to.pipelineId;
              open = { pipelineId, stage: to.stage, enteredAt: at };
              break;
            }
            default:
              break;
          }
        }
      }
      return stays;
    };

    /** Days rounded to 4 decimals, halves up, as the report defines them. */
    const days = (ms: number) => Math.round(ms / 8_640) / 10_000;

    /** Time in stage of the stays of this pipeline and stage that ended in [from, to). */
    const timeInStage = (stays: Stay[], pipelineId: string, stage: string, from?: string, to?: string) => {
      const durations = stays
        .filter(
          (s) =>
            s.pipelineId === pipelineId &&
            s.stage === stage &&
            (from === undefined || s.leftAt >= from) &&
            (to === undefined || s.leftAt < to),
        )
        .map((s) => Math.max(0, Date.parse(s.leftAt) - Date.parse(s.enteredAt)))
        .sort((a, b) => a - b);
      if (durations.length === 0) return { stays: 0, meanDays: null, medianDays: null };
      const mid = durations.length >> 1;
      const median =
        durations.length % 2 === 1
          ? durations[mid]!
          : Math.round((durations[mid - 1]! + durations[mid]!) / 2);
      const mean = Math.round(durations.reduce((sum, ms) => sum + ms, 0) / durations.length);
      return { stays: durations.length, meanDays: days(mean), medianDays: days(median) };
    };

    const flow = (
      stays: Stay[],
      pipelineId: string,
      period: { from?: string; to?: string },
      stage: string,
      name: string,
      counts: Partial<Record<'entered' | 'movedForward' | 'movedBack' | 'won' | 'lost' | 'movedOut', number>>,
      conversion: number | null,
      retired = false,
    ) => ({
      stage,
      name,
      retired,
      entered: 0,
      movedForward: 0,
      movedBack: 0,
      won: 0,
      lost: 0,
      movedOut: 0,
      ...counts,
      conversion,
      timeInStage: timeInStage(stays, pipelineId, stage, period.from, period.to),
    });

    it('default pipeline, all time: entries, exits by kind, conversion, time in stage, win rate', async () => {
      const stays = await endedStays();
      const row = (...args: [string, string, Parameters<typeof flow>[5], number | null]) =>
        flow(stays, 'default', {}, ...args);
      const report = await get(`/analytics/stages?minPosition=${last}`);
      expect(report).toEqual({
        position: last,
        pipelineId: 'default',
        name: 'Default pipeline',
        from: null,
        to: null,
        stages: [
          // Entered by D1, D2, D3, D6 (created and reopened), D7, D8, D9; D6 left for another pipeline.
          row(
            'qualification',
            'Qualification',
            { entered: 8, movedForward: 3, won: 1, lost: 2, movedOut: 1 },
            4 / 7,
          ),
          row('demo', 'Demo', { entered: 3, movedForward: 1, lost: 1 }, 1 / 2),
          // D3 won here and was reopened here: both count.
          row('proposal', 'Proposal', { entered: 3, movedBack: 1, won: 1 }, 1 / 2),
          row('negotiation', 'Negotiation', {}, null),
        ],
        winRate: 2 / 5,
      });
      expect(report.stages.map((s: { timeInStage: { stays: number } }) => s.timeInStage.stays)).toEqual([
        7, 2, 2, 0,
      ]);
    });

    it('default pipeline over [phase two, ...) and [..., phase two), and as of the moment between', async () => {
      const stays = await endedStays();
      const from = phaseOneEnd;
      const after = await get(`/analytics/stages?from=${encodeURIComponent(from)}&minPosition=${last}`);
      const rowAfter = (...args: [string, string, Parameters<typeof flow>[5], number | null]) =>
        flow(stays, 'default', { from }, ...args);
      expect(after).toEqual({
        position: last,
        pipelineId: 'default',
        name: 'Default pipeline',
        from,
        to: null,
        stages: [
          rowAfter(
            'qualification',
            'Qualification',
            { entered: 4, movedForward: 1, won: 1, lost: 1, movedOut: 1 },
            2 / 4,
          ),
          rowAfter('demo', 'Demo', { entered: 2, movedForward: 1, lost: 1 }, 1 / 2),
          rowAfter('proposal', 'Proposal', { entered: 2, movedBack: 1 }, 0),
          rowAfter('negotiation', 'Negotiation', {}, null),
        ],
        winRate: 1 / 3,
      });

      const before = await get(`/analytics/stages?to=${encodeURIComponent(from)}&minPosition=${last}`);
      const phaseOneStays = stays.filter((s) => s.leftAt <= phaseOneEnd);
      const rowBefore = (...args: [string, string, Parameters<typeof flow>[5], number | null]) =>
        flow(phaseOneStays, 'default', { to: from }, ...args);
      const phaseOne = [
        rowBefore('qualification', 'Qualification', { entered: 4, movedForward: 2, lost: 1 }, 2 / 3),
        rowBefore('demo', 'Demo', { entered: 1 }, null),
        rowBefore('proposal', 'Proposal', { entered: 1, won: 1 }, 1),
        rowBefore('negotiation', 'Negotiation', {}, null),
      ];
      expect(before).toEqual({
        position: last,
        pipelineId: 'default',
        name: 'Default pipeline',
        from: null,
        to: from,
        stages: phaseOne,
        winRate: 1 / 2,
      });

      // As of the moment between the phases, without a period: what had happened by then.
      expect(await get(`/analytics/stages?${asOf()}`)).toEqual({
        ...before,
        position: phaseOneLast,
        to: null,
      });
    });

    it('enterprise: a retired stage, a stage added later, a deal moved in; and as of then', async () => {
      const stays = await endedStays();
      const row = (...args: [string, string, Parameters<typeof flow>[5], number | null, boolean?]) =>
        flow(stays, 'enterprise', {}, ...args);
      expect(await get(`/analytics/stages?pipelineId=enterprise&minPosition=${last}`)).toEqual({
        position: last,
        pipelineId: 'enterprise',
        name: 'Enterprise sales',
        from: null,
        to: null,
        stages: [
          row('discovery', 'Discovery call', { entered: 1, movedForward: 1 }, 1),
          row('security', 'Security', {}, null),
          row('solution', 'Solution design', { entered: 1 }, null, true),
          // D5 moved here, D6 moved in from the default pipeline; D5 was lost here.
          row('legal', 'Legal', { entered: 2, lost: 1 }, 0),
        ],
        winRate: 0,
      });
      const phaseOneStays = stays.filter((s) => s.leftAt <= phaseOneEnd);
      const then = (...args: [string, string, Parameters<typeof flow>[5], number | null]) =>
        flow(phaseOneStays, 'enterprise', {}, ...args);
      expect(await get(`/analytics/stages?pipelineId=enterprise&${asOf()}`)).toEqual({
        position: phaseOneLast,
        pipelineId: 'enterprise',
        name: 'Enterprise',
        from: null,
        to: null,
        stages: [
          then('discovery', 'Discovery', { entered: 1, movedForward: 1 }, 1),
          then('solution', 'Solution design', { entered: 1 }, null),
          then('legal', 'Legal', { entered: 1 }, null),
        ],
        winRate: null,
      });
    });
  });

  describe('GET /analytics/forecast', () => {
    const month = (
      name: string,
      open: { currency: string; total: number; weighted: number }[],
      won: { currency: string; total: number }[] = [],
      openDeals = open.length,
    ) => ({
      month: name,
      open: { deals: openDeals, values: open },
      won: { deals: won.length, values: won },
    });

    it('default pipeline now: open deals by expected close month, weighted; wins by the month won', async () => {
      const won = await wonMonth('D7');
      const report = await get(`/analytics/forecast?minPosition=${last}`);
      expect(report).toEqual({
        position: last,
        pipelineId: 'default',
        from: null,
        to: null,
        months: [
          // Only D7's win: D3's was reopened.
          month(won, [], [{ currency: 'JPY', total: 1_000_000 }]),
          // D1 (its override 50%) and D3 (proposal 60%), in two currencies.
          month(
            '2030-09',
            [
              { currency: 'CHF', total: 45_000, weighted: 27_000 },
              { currency: 'EUR', total: 120_000, weighted: 60_000 },
            ],
            [],
            2,
          ),
          // D2 moved from October to November.
          month('2030-11', [{ currency: 'USD', total: 55_005, weighted: 5_501 }]),
        ],
      });
    });

    it('per owner, and over a period of expected close dates', async () => {
      const won = await wonMonth('D7');
      const report = await get(`/analytics/forecast?pipelineId=default&groupBy=owner&minPosition=${last}`);
      expect(report.owners).toEqual([
        {
          owner: 'ada',
          months: [
            month(won, [], [{ currency: 'JPY', total: 1_000_000 }]),
            month('2030-11', [{ currency: 'USD', total: 55_005, weighted: 5_501 }]),
          ],
        },
        {
          owner: 'grace',
          months: [
            month(
              '2030-09',
              [
                { currency: 'CHF', total: 45_000, weighted: 27_000 },
                { currency: 'EUR', total: 120_000, weighted: 60_000 },
              ],
              [],
              2,
            ),
          ],
        },
      ]);
      const { owners: _owners, ...whole } = report;
      expect(whole).toEqual(await get(`/analytics/forecast?minPosition=${last}`));

      // From 2030-09-16: D1 (closing on the 15th) is out, D3 (the 30th) and D2 are in; no win is that late.
      expect(await get(`/analytics/forecast?from=2030-09-16&to=2031-01-01&minPosition=${last}`)).toEqual({
        position: last,
        pipelineId: 'default',
        from: '2030-09-16T00:00:00.000Z',
        to: '2031-01-01T00:00:00.000Z',
        months: [
          month('2030-09', [{ currency: 'CHF', total: 45_000, weighted: 27_000 }]),
          month('2030-11', [{ currency: 'USD', total: 55_005, weighted: 5_501 }]),
        ],
      });
      expect(
        (await get(`/analytics/forecast?from=2030-10-01T00:00:00Z&to=2030-11-01&minPosition=${last}`)).months,
      ).toEqual([]);
      // A close date is the UTC day it starts: D2's (2030-11-15) is before 00:00:01 that day, and before noon.
      expect(
        (await get(`/analytics/forecast?from=2030-11-15T00:00:01Z&to=2031-01-01&minPosition=${last}`)).months,
      ).toEqual([]);
      expect(
        (await get(`/analytics/forecast?from=2030-10-01&to=2030-11-15T12:00:00Z&minPosition=${last}`)).months,
      ).toEqual([month('2030-11', [{ currency: 'USD', total: 55_005, weighted: 5_501 }])]);
      // The month of the win: wins are placed by when they happened, open deals by when they should close.
      const [year, m] = won.split('-').map(Number) as [number, number];
      const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
      expect(
        (await get(`/analytics/forecast?from=${won}-01&to=${next}-01&minPosition=${last}`)).months,
      ).toEqual([month(won, [], [{ currency: 'JPY', total: 1_000_000 }])]);
    });

    it('enterprise now (a deal in a retired stage weighed with its probability), and as of the moment between', async () => {
      expect(await get(`/analytics/forecast?pipelineId=enterprise&minPosition=${last}`)).toEqual({
        position: last,
        pipelineId: 'enterprise',
        from: null,
        to: null,
        months: [
          month('2030-10', [{ currency: 'EUR', total: 30_000, weighted: 24_000 }]),
          month('2030-11', [{ currency: 'EUR', total: 200_000, weighted: 80_000 }]),
        ],
      });
      const d3Won = (await t.store.readStream(`deal-${deals['D3']}`)).find((e) => e.type === 'DealWon')!.data[
        'wonAt'
      ] as string;
      expect(await get(`/analytics/forecast?${asOf()}`)).toEqual({
        position: phaseOneLast,
        pipelineId: 'default',
        from: null,
        to: null,
        months: [
          // D3 was won then.
          month(d3Won.slice(0, 7), [], [{ currency: 'EUR', total: 40_000 }]),
          month('2030-09', [{ currency: 'EUR', total: 100_000, weighted: 30_000 }]),
          month('2030-10', [{ currency: 'USD', total: 50_000, weighted: 5_000 }]),
        ],
      });
      expect(await get(`/analytics/forecast?pipelineId=enterprise&${asOf()}`)).toEqual({
        position: phaseOneLast,
        pipelineId: 'enterprise',
        from: null,
        to: null,
        months: [
          month('2030-11', [{ currency: 'EUR', total: 200_000, weighted: 80_000 }]),
          // D5 in legal at 70% then.
          month('2030-12', [{ currency: 'GBP', total: 80_000, weighted: 56_000 }]),
        ],
      });
    });
  });

  describe('GET /analytics/losses', () => {
    const now = {
      lost: {
        deals: 3,
        values: [
          { currency: 'EUR', total: 25_000 },
          { currency: 'GBP', total: 80_000 },
          { currency: 'USD', total: 10_000 },
        ],
      },
      byReason: [
        {
          reason: 'price',
          deals: 2,
          values: [
            { currency: 'GBP', total: 80_000 },
            { currency: 'USD', total: 10_000 },
          ],
        },
        { reason: 'timing', deals: 1, values: [{ currency: 'EUR', total: 25_000 }] },
      ],
      byStage: [
        { pipelineId: 'default', stage: 'demo', deals: 1, values: [{ currency: 'USD', total: 10_000 }] },
        {
          pipelineId: 'default',
          stage: 'qualification',
          deals: 1,
          values: [{ currency: 'EUR', total: 25_000 }],
        },
        { pipelineId: 'enterprise', stage: 'legal', deals: 1, values: [{ currency: 'GBP', total: 80_000 }] },
      ],
      byCompetitor: [
        {
          competitor: 'Globex',
          deals: 2,
          values: [
            { currency: 'EUR', total: 25_000 },
            { currency: 'GBP', total: 80_000 },
          ],
        },
        { competitor: null, deals: 1, values: [{ currency: 'USD', total: 10_000 }] },
      ],
    };

    it('now: the deals still lost, by reason, stage and competitor, per currency (D6, reopened, no longer)', async () => {
      expect(await get(`/analytics/losses?minPosition=${last}`)).toEqual({
        position: last,
        from: null,
        to: null,
        ...now,
      });
      expect(
        await get(`/analytics/losses?from=${encodeURIComponent(phaseOneEnd)}&minPosition=${last}`),
      ).toEqual({
        position: last,
        from: phaseOneEnd,
        to: null,
        ...now,
      });
      // Lost before the second phase and still lost: none (D6 was reopened).
      expect(
        await get(`/analytics/losses?to=${encodeURIComponent(phaseOneEnd)}&minPosition=${last}`),
      ).toEqual({
        position: last,
        from: null,
        to: phaseOneEnd,
        lost: { deals: 0, values: [] },
        byReason: [],
        byStage: [],
        byCompetitor: [],
      });
    });

    it('as of the moment between the phases: D6, lost then', async () => {
      const tally = { deals: 1, values: [{ currency: 'EUR', total: 30_000 }] };
      expect(await get(`/analytics/losses?${asOf()}`)).toEqual({
        position: phaseOneLast,
        from: null,
        to: null,
        lost: tally,
        byReason: [{ reason: 'price', ...tally }],
        byStage: [{ pipelineId: 'default', stage: 'qualification', ...tally }],
        byCompetitor: [{ competitor: 'Acme', ...tally }],
      });
    });
  });

  describe('GET /analytics/funnel', () => {
    it('now: a reopened deal is not counted won or lost, a reactivated lead not disqualified', async () => {
      expect(await get(`/analytics/funnel?minPosition=${last}`)).toEqual({
        position: last,
        sources: [
          {
            source: 'event',
            captured: 2,
            qualified: 2,
            disqualified: 0,
            dealsCreated: 2,
            won: 0,
            lost: 2,
            wonValues: [],
            rates: { qualification: 1, leadToDeal: 1, win: 0, leadToWon: 0 },
          },
          {
            // C (D3 reopened, open), D, X (reactivated and qualified, no deal), I (D9 lost).
            source: 'referral',
            captured: 4,
            qualified: 4,
            disqualified: 0,
            dealsCreated: 3,
            won: 0,
            lost: 1,
            wonValues: [],
            rates: { qualification: 1, leadToDeal: 0.75, win: 0, leadToWon: 0 },
          },
          {
            // A, B, F (D6 reopened, open), G (D7 won).
            source: 'web_form',
            captured: 4,
            qualified: 4,
            disqualified: 0,
            dealsCreated: 4,
            won: 1,
            lost: 0,
            wonValues: [{ currency: 'JPY', total: 1_000_000 }],
            rates: { qualification: 1, leadToDeal: 1, win: 1, leadToWon: 0.25 },
          },
        ],
      });
    });

    it('as of the moment between the phases: X disqualified, D3 won, D6 lost', async () => {
      expect(await get(`/analytics/funnel?${asOf()}`)).toEqual({
        position: phaseOneLast,
        sources: [
          {
            source: 'event',
            captured: 1,
            qualified: 1,
            disqualified: 0,
            dealsCreated: 1,
            won: 0,
            lost: 0,
            wonValues: [],
            rates: { qualification: 1, leadToDeal: 1, win: null, leadToWon: 0 },
          },
          {
            source: 'referral',
            captured: 3,
            qualified: 2,
            disqualified: 1,
            dealsCreated: 2,
            won: 1,
            lost: 0,
            wonValues: [{ currency: 'EUR', total: 40_000 }],
            rates: { qualification: 2 / 3, leadToDeal: 2 / 3, win: 1, leadToWon: 1 / 3 },
          },
          {
            source: 'web_form',
            captured: 3,
            qualified: 3,
            disqualified: 0,
            dealsCreated: 3,
            won: 0,
            lost: 1,
            wonValues: [],
            rates: { qualification: 1, leadToDeal: 1, win: 0, leadToWon: 0 },
          },
        ],
      });
    });
  });

  it.each([
    ['/analytics/pipeline?groupBy=stage', 'groupBy'],
    ['/analytics/pipeline?pipelineId=Big%20Deals', 'pipelineId'],
    ['/analytics/pipeline?from=2026-01-01', 'from'],
    ['/analytics/stages?from=last-week', 'from'],
    ['/analytics/stages?from=2026-05-01&to=2026-04-01', 'to'],
    ['/analytics/stages?groupBy=owner', 'groupBy'],
    ['/analytics/stages?asOf=2026-02-30', 'asOf'],
    ['/analytics/forecast?groupBy=owners', 'groupBy'],
    ['/analytics/forecast?to=2026-13-01', 'to'],
    ['/analytics/forecast?pipelineId=', 'pipelineId'],
    ['/analytics/forecast?minPosition=abc', 'minPosition'],
    ['/analytics/losses?pipelineId=default', 'pipelineId'],
    ['/analytics/losses?from=2026-05-01&to=2026-05-01', 'to'],
    ['/analytics/losses?asOf=tomorrow', 'asOf'],
    ['/analytics/losses?from=2026-01-01&from=2026-02-01', 'from'],
  ])('400 for %s', async (url, field) => {
    const response = await t.http().get(url);
    expect(response.status).toBe(400);
    expect(problemOf(response).errors!.map((e) => e.field)).toContain(field);
  });

  it('503 with Retry-After for a minPosition the read models do not reach in time', async () => {
    for (const report of ['pipeline', 'stages', 'forecast', 'losses']) {
      const response = await t
        .http()
        .get(`/analytics/${report}`)
        .set('X-Min-Position', (BigInt(last) + 1_000_000n).toString());
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect(problemOf(response).code).toBe('MIN_POSITION_NOT_REACHED');
    }
  });

  it('as of now, every report folded from the log equals the one its projections keep', async () => {
    const now = encodeURIComponent(new Date().toISOString());
    for (const report of [
      'pipeline?groupBy=owner',
      'pipeline?pipelineId=enterprise&groupBy=owner',
      'stages?pipelineId=default',
      'stages?pipelineId=enterprise',
      'forecast?groupBy=owner',
      'forecast?pipelineId=enterprise&groupBy=owner',
      'losses?from=2020-01-01',
      'funnel?source=referral',
    ]) {
      const live = await get(`/analytics/${report}&minPosition=${last}`);
      expect({ report, answer: await get(`/analytics/${report}&asOf=${now}`) }).toEqual({
        report,
        answer: live,
      });
    }
  });

  it('read-your-writes: each report includes the command whose position it was given', async () => {
    // D2's own probability: 55005 x 90% = 49504.5, halves up.
    const overridden = await patch('D2', { probability: 90 });
    const p1 = overridden.body.position!;
    const pipelineReport = await get(`/analytics/pipeline?minPosition=${p1}`);
    expect(pipelineReport.position).toBe(p1);
    expect(pipelineReport.stages[0]).toMatchObject({
      stage: 'qualification',
      values: [{ currency: 'USD', total: 55_005, weighted: 49_505 }],
    });
    const forecast = await get(`/analytics/forecast?minPosition=${p1}`);
    expect(forecast.months[forecast.months.length - 1]).toEqual({
      month: '2030-11',
      open: { deals: 1, values: [{ currency: 'USD', total: 55_005, weighted: 49_505 }] },
      won: { deals: 0, values: [] },
    });

    const lost = await command('D1', 'lose', { reason: 'timing', competitor: 'Initech' });
    const p2 = lost.body.position!;
    const losses = await get(`/analytics/losses?minPosition=${p2}`);
    expect(losses.position).toBe(p2);
    expect(losses.lost.deals).toBe(4);
    expect(losses.byReason).toEqual([
      {
        reason: 'price',
        deals: 2,
        values: [
          { currency: 'GBP', total: 80_000 },
          { currency: 'USD', total: 10_000 },
        ],
      },
      { reason: 'timing', deals: 2, values: [{ currency: 'EUR', total: 145_000 }] },
    ]);
    const stages = await t.http().get('/analytics/stages').set('X-Min-Position', p2).expect(200);
    expect(stages.body.stages[1]).toMatchObject({
      stage: 'demo',
      lost: 2,
      movedForward: 1,
      conversion: 1 / 3,
    });
    const after = await get(`/analytics/pipeline?minPosition=${p2}`);
    expect(after.stages[1]).toMatchObject({ stage: 'demo', openDeals: 0, values: [] });
    expect(after.lost).toEqual({
      deals: 3,
      values: [
        { currency: 'EUR', total: 145_000 },
        { currency: 'USD', total: 10_000 },
      ],
    });
    const funnel = await get(`/analytics/funnel?source=web_form&minPosition=${p2}`);
    expect(funnel.sources[0]).toMatchObject({ source: 'web_form', won: 1, lost: 1, rates: { win: 0.5 } });
  });

  it('a reopened deal won again counts once more, at the value it was won with', async () => {
    const p4 = (await command('D3', 'win', { note: 'signed at last' })).body.position!;
    const again = await wonMonth('D3');
    const won7 = await wonMonth('D7');
    const funnel = await get(`/analytics/funnel?source=referral&minPosition=${p4}`);
    expect(funnel.sources[0]).toMatchObject({
      source: 'referral',
      won: 1,
      lost: 1,
      wonValues: [{ currency: 'CHF', total: 45_000 }],
      rates: { win: 0.5, leadToWon: 0.25 },
    });
    const report = await get(`/analytics/pipeline?minPosition=${p4}`);
    expect(report.won).toEqual({
      deals: 2,
      values: [
        { currency: 'CHF', total: 45_000 },
        { currency: 'JPY', total: 1_000_000 },
      ],
    });
    expect(report.stages[2]).toMatchObject({ stage: 'proposal', openDeals: 0, values: [] });
    const stages = await get(`/analytics/stages?minPosition=${p4}`);
    // Won twice from proposal (the first win stays counted), entered three times.
    expect(stages.stages[2]).toMatchObject({ stage: 'proposal', entered: 3, won: 2, movedBack: 1 });
    const forecast = await get(`/analytics/forecast?minPosition=${p4}`);
    const wins = (forecast.months as { month: string; won: { deals: number; values: unknown[] } }[]).filter(
      (m) => m.won.deals > 0,
    );
    expect(wins).toEqual(
      again === won7
        ? [
            {
              month: again,
              open: { deals: 0, values: [] },
              won: {
                deals: 2,
                values: [
                  { currency: 'CHF', total: 45_000 },
                  { currency: 'JPY', total: 1_000_000 },
                ],
              },
            },
          ]
        : [
            expect.objectContaining({
              month: won7,
              won: { deals: 1, values: [{ currency: 'JPY', total: 1_000_000 }] },
            }),
            expect.objectContaining({
              month: again,
              won: { deals: 1, values: [{ currency: 'CHF', total: 45_000 }] },
            }),
          ],
    );
  });

  it('a deal lost again after a reopen and a move to another pipeline: once, with its last loss, in that pipeline', async () => {
    // D6: lost in the default pipeline with Acme, reopened, moved to enterprise/legal, now lost there.
    const p3 = (await command('D6', 'lose', { reason: 'price' })).body.position!;
    const funnel = await get(`/analytics/funnel?source=web_form&minPosition=${p3}`);
    expect(funnel.sources[0]).toMatchObject({ source: 'web_form', won: 1, lost: 2, rates: { win: 1 / 3 } });
    expect((await get(`/analytics/pipeline?pipelineId=enterprise&minPosition=${p3}`)).lost).toEqual({
      deals: 2,
      values: [
        { currency: 'EUR', total: 30_000 },
        { currency: 'GBP', total: 80_000 },
      ],
    });
    const stages = await get(`/analytics/stages?pipelineId=enterprise&minPosition=${p3}`);
    expect(stages.stages[3]).toMatchObject({ stage: 'legal', entered: 2, lost: 2, conversion: 0 });
    const losses = await get(`/analytics/losses?minPosition=${p3}`);
    expect(losses.lost).toEqual({
      deals: 5,
      values: [
        { currency: 'EUR', total: 175_000 },
        { currency: 'GBP', total: 80_000 },
        { currency: 'USD', total: 10_000 },
      ],
    });
    expect(losses.byCompetitor).toEqual([
      {
        competitor: 'Globex',
        deals: 2,
        values: [
          { currency: 'EUR', total: 25_000 },
          { currency: 'GBP', total: 80_000 },
        ],
      },
      {
        competitor: null,
        deals: 2,
        values: [
          { currency: 'EUR', total: 30_000 },
          { currency: 'USD', total: 10_000 },
        ],
      },
      { competitor: 'Initech', deals: 1, values: [{ currency: 'EUR', total: 120_000 }] },
    ]);
    expect(losses.byStage).toEqual([
      {
        pipelineId: 'default',
        stage: 'demo',
        deals: 2,
        values: [
          { currency: 'EUR', total: 120_000 },
          { currency: 'USD', total: 10_000 },
        ],
      },
      {
        pipelineId: 'enterprise',
        stage: 'legal',
        deals: 2,
        values: [
          { currency: 'EUR', total: 30_000 },
          { currency: 'GBP', total: 80_000 },
        ],
      },
      {
        pipelineId: 'default',
        stage: 'qualification',
        deals: 1,
        values: [{ currency: 'EUR', total: 25_000 }],
      },
    ]);
  });
});

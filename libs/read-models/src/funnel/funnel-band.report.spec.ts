import { bandOf } from '@app/domain';
import fc from 'fast-check';
import { LEADS, type LeadDoc, leadListProjection, leadListRuleSet, scoreAt } from '../lead-list';
import { MemoryDocuments } from '../memory-documents';
import { allConfiguredBy } from '../testing/configured';
import { SOURCES, actionsArbitrary, historyOf, recordedAppends } from '../testing/histories';
import { funnelProjection } from './funnel.projection';
import { type FunnelFilter, funnelBandReport, funnelReport } from './funnel.report';

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 1);

/*
 * The funnel per band holds the same leads as the funnel per source, split by each lead's band at the
 * report's moment: for any period, source and moment, the bands add up to the sources, and each band counts
 * the leads the lead list scores in it.
 */
describe('funnel per band', () => {
  it('adds up to the funnel per source, each lead in the band of its score at the moment', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionsArbitrary(60),
        fc.option(fc.integer({ min: 0, max: 40 * 24 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 40 * 24 }), { nil: undefined }),
        fc.option(fc.constantFrom(...SOURCES), { nil: undefined }),
        fc.integer({ min: 0, max: 400 }),
        async (actions, fromHours, toHours, source, days) => {
          const log = recordedAppends(historyOf(actions));
          const documents = new MemoryDocuments();
          for (const projection of allConfiguredBy([funnelProjection, leadListProjection], log)) {
            for (const event of log) documents.apply(projection, event);
          }
          const filter: FunnelFilter = {
            ...(fromHours === undefined
              ? {}
              : { from: new Date(START + fromHours * 3_600_000).toISOString() }),
            ...(toHours === undefined ? {} : { to: new Date(START + toHours * 3_600_000).toISOString() }),
            ...(source === undefined ? {} : { source }),
          };
          if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) return;
          const at = new Date(START + days * DAY).toISOString();
          const bySource = await funnelReport(documents, filter, '7');
          const byBand = await funnelBandReport(documents, filter, '7', at);

          expect(byBand.bands.map((b) => b.band)).toEqual(['hot', 'warm', 'cold']);
          for (const counter of [
            'captured',
            'qualified',
            'disqualified',
            'dealsCreated',
            'won',
            'lost',
          ] as const) {
            const sum = (rows: readonly { [k in typeof counter]: number }[]) =>
              rows.reduce((total, row) => total + row[counter], 0);
            expect({ counter, total: sum(byBand.bands) }).toEqual({ counter, total: sum(bySource.sources) });
          }
          const won = (rows: readonly { wonValues: readonly { currency: string; total: number }[] }[]) => {
            const totals: Record<string, number> = {};
            for (const row of rows) {
              for (const { currency, total } of row.wonValues)
                totals[currency] = (totals[currency] ?? 0) + total;
            }
            return totals;
          };
          expect(won(byBand.bands)).toEqual(won(bySource.sources));

          const { rules, version } = await leadListRuleSet(documents);
          expect(byBand).toMatchObject({ position: '7', at, rulesVersion: version });
          const inPeriod = (documents.all(LEADS) as LeadDoc[]).filter(
            (lead) =>
              (filter.from === undefined || lead.capturedAt >= filter.from) &&
              (filter.to === undefined || lead.capturedAt < filter.to) &&
              (filter.source === undefined || lead.source === filter.source),
          );
          for (const row of byBand.bands) {
            const leads = inPeriod.filter((lead) => bandOf(rules, scoreAt(rules, lead, at)) === row.band);
            expect({ band: row.band, captured: row.captured }).toEqual({
              band: row.band,
              captured: leads.length,
            });
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

import type { Schemas } from '@app/api-client';
import { formatCount, formatMoney, formatRate } from '../format';
import { type Answer, ProblemAlert } from '../records/answer';
import { Chart, type ChartSeries } from './chart';
import { SERIES_COLORS } from './palette';

type FunnelAnswer = Schemas['FunnelReportView'] | Schemas['FunnelBandReportView'];
type SourceRow = Schemas['FunnelSourceRowView'];

/** The rows per source of a funnel answer (asked without groupBy, it is always per source). */
export const sourceRowsOf = (data: FunnelAnswer | undefined): readonly SourceRow[] =>
  data && 'sources' in data ? data.sources : [];

/** The steps a lead goes through, as the chart draws them: the share of the captured leads that got there. */
const STEPS = [
  { label: 'Captured', reached: (row: SourceRow) => row.captured },
  { label: 'Qualified', reached: (row: SourceRow) => row.qualified },
  { label: 'Deal created', reached: (row: SourceRow) => row.dealsCreated },
  { label: 'Won', reached: (row: SourceRow) => row.won },
] as const;

const COUNTS = ['captured', 'qualified', 'disqualified', 'dealsCreated', 'won', 'lost'] as const;
const COUNT_HEADINGS: Record<(typeof COUNTS)[number], string> = {
  captured: 'Captured',
  qualified: 'Qualified',
  disqualified: 'Disqualified',
  dealsCreated: 'Deals created',
  won: 'Won',
  lost: 'Lost',
};
const RATES = ['qualification', 'leadToDeal', 'win', 'leadToWon'] as const;
const RATE_HEADINGS: Record<(typeof RATES)[number], string> = {
  qualification: 'Qualification rate',
  leadToDeal: 'Lead to deal',
  win: 'Win rate',
  leadToWon: 'Lead to won',
};

/** Lead-source conversion: a chart of how far each source's leads get, and every figure in a table. */
export function SourceFunnel({ answer }: { readonly answer: Answer<FunnelAnswer> }) {
  const rows = sourceRowsOf(answer.data);
  return (
    <section class="report" aria-labelledby="source-funnel-heading">
      <h3 id="source-funnel-heading">Lead-source conversion</h3>
      {answer.problem ? <ProblemAlert problem={answer.problem} what="the lead funnel" /> : null}
      {!answer.problem && answer.data && rows.length === 0 ? (
        <p data-testid="funnel-empty">No leads were captured in this period.</p>
      ) : null}
      {rows.length > 0 && !answer.problem ? (
        <figure class="report-figure">
          <figcaption>
            Share of the captured leads of each source that reached each step; the figures follow.
          </figcaption>
          <Chart
            label="Share of each source's captured leads that were qualified, got a deal and won"
            categories={STEPS.map((step) => step.label)}
            series={rows.map((row, index) => seriesOf(row, index))}
            kind="lines"
            formatValue={(value) => formatRate(value)}
            testId="funnel-chart"
          />
          <SourceTable rows={rows} />
        </figure>
      ) : null}
    </section>
  );
}

function seriesOf(row: SourceRow, index: number): ChartSeries {
  return {
    label: row.source,
    color: SERIES_COLORS[index % SERIES_COLORS.length] ?? '#0b57d0',
    values: STEPS.map((step) => (row.captured === 0 ? null : step.reached(row) / row.captured)),
  };
}

function SourceTable({ rows }: { readonly rows: readonly SourceRow[] }) {
  return (
    <table class="report-table" data-testid="funnel-table">
      <caption>Leads per source: counts, won value and rates</caption>
      <thead>
        <tr>
          <th scope="col">Source</th>
          {COUNTS.map((count) => (
            <th scope="col" key={count}>
              {COUNT_HEADINGS[count]}
            </th>
          ))}
          <th scope="col">Won value</th>
          {RATES.map((rate) => (
            <th scope="col" key={rate}>
              {RATE_HEADINGS[rate]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.source} data-testid={`funnel-${row.source}`}>
            <th scope="row">{row.source}</th>
            {COUNTS.map((count) => (
              <td
                key={count}
                class="number"
                data-testid={`funnel-${row.source}-${count}`}
                data-value={row[count]}
              >
                {formatCount(row[count])}
              </td>
            ))}
            <td class="number">
              {row.wonValues.length === 0
                ? '–'
                : row.wonValues.map((value) => (
                    <span
                      key={value.currency}
                      class="amount"
                      data-testid={`funnel-${row.source}-won-value-${value.currency}`}
                      data-value={value.total}
                    >
                      {formatMoney(value.total, value.currency)}
                    </span>
                  ))}
            </td>
            {RATES.map((rate) => (
              <td
                key={rate}
                class="number"
                data-testid={`funnel-${row.source}-rate-${rate}`}
                data-value={row.rates[rate] ?? ''}
              >
                {formatRate(row.rates[rate])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

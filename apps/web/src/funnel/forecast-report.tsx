import type { Schemas } from '@app/api-client';
import { formatCount, formatMoney, formatMonth } from '../format';
import { type Answer, ProblemAlert } from '../records/answer';
import { Chart } from './chart';
import { SERIES_COLORS } from './palette';

type ForecastReportView = Schemas['ForecastReportView'];
type ForecastMonth = Schemas['ForecastMonthView'];

/** The currencies of the open deals, in order: each gets a chart (won values are in the table). */
const openCurrenciesOf = (months: readonly ForecastMonth[]): string[] =>
  [...new Set(months.flatMap((month) => month.open.values.map((value) => value.currency)))].sort();

/** The forecast by close month (GET /analytics/forecast): open deals, weighted by probability, and won value. */
export function ForecastReport({ answer }: { readonly answer: Answer<ForecastReportView> }) {
  const months = answer.data?.months ?? [];
  const currencies = openCurrenciesOf(months);
  return (
    <section class="report" aria-labelledby="forecast-heading">
      <h3 id="forecast-heading">Forecast by close month</h3>
      {answer.problem ? <ProblemAlert problem={answer.problem} what="the forecast" /> : null}
      {!answer.problem && answer.data && months.length === 0 ? (
        <p data-testid="forecast-empty">
          No open deal is expected to close, and none was won, in this period.
        </p>
      ) : null}
      {months.length > 0 && !answer.problem ? (
        <figure class="report-figure">
          <figcaption>
            Open deals by the month they are expected to close: their total and their value weighted by win
            probability, per currency; the figures, with the value won each month, follow.
          </figcaption>
          <div class="chart-pair">
            {currencies.map((currency) => (
              <Chart
                key={currency}
                label={`Open value and weighted value in ${currency} by expected close month`}
                categories={months.map((month) => month.month)}
                series={[
                  {
                    label: `Open total (${currency})`,
                    color: SERIES_COLORS[0] ?? '#0b57d0',
                    values: months.map((month) => openValueOf(month, currency)?.total ?? 0),
                  },
                  {
                    label: `Weighted (${currency})`,
                    color: SERIES_COLORS[2] ?? '#1d6b35',
                    values: months.map((month) => openValueOf(month, currency)?.weighted ?? 0),
                  },
                ]}
                kind="bars"
                formatValue={(value) => formatMoney(Math.round(value), currency)}
                testId={`forecast-chart-${currency}`}
              />
            ))}
          </div>
          <ForecastTable months={months} />
        </figure>
      ) : null}
    </section>
  );
}

const openValueOf = (month: ForecastMonth, currency: string) =>
  month.open.values.find((value) => value.currency === currency);

function ForecastTable({ months }: { readonly months: readonly ForecastMonth[] }) {
  return (
    <table class="report-table" data-testid="forecast-table">
      <caption>
        Per month: open deals expected to close, their total and weighted value, and deals won
      </caption>
      <thead>
        <tr>
          <th scope="col">Month</th>
          <th scope="col">Open deals</th>
          <th scope="col">Open total</th>
          <th scope="col">Weighted</th>
          <th scope="col">Deals won</th>
          <th scope="col">Won value</th>
        </tr>
      </thead>
      <tbody>
        {months.map(({ month, open, won }) => (
          <tr key={month} data-testid={`forecast-${month}`}>
            <th scope="row">
              <time dateTime={month}>{formatMonth(month)}</time>
            </th>
            <td class="number" data-testid={`forecast-${month}-open-deals`} data-value={open.deals}>
              {formatCount(open.deals)}
            </td>
            <td class="number">
              <Amounts
                values={open.values.map((value) => ({ currency: value.currency, amount: value.total }))}
                testIdOf={(currency) => `forecast-${month}-${currency}`}
              />
            </td>
            <td class="number">
              <Amounts
                values={open.values.map((value) => ({ currency: value.currency, amount: value.weighted }))}
                testIdOf={(currency) => `forecast-${month}-${currency}-weighted`}
              />
            </td>
            <td class="number" data-testid={`forecast-${month}-won-deals`} data-value={won.deals}>
              {formatCount(won.deals)}
            </td>
            <td class="number">
              <Amounts
                values={won.values.map((value) => ({ currency: value.currency, amount: value.total }))}
                testIdOf={(currency) => `forecast-${month}-${currency}-won`}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Amounts in one or more currencies, one a line; "–" for none. */
function Amounts({
  values,
  testIdOf,
}: {
  readonly values: readonly { currency: string; amount: number }[];
  readonly testIdOf: (currency: string) => string;
}) {
  if (values.length === 0) return <>–</>;
  return (
    <>
      {values.map(({ currency, amount }) => (
        <span key={currency} class="amount" data-testid={testIdOf(currency)} data-value={amount}>
          {formatMoney(amount, currency)}
        </span>
      ))}
    </>
  );
}

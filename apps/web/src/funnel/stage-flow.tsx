import type { Schemas } from '@app/api-client';
import { formatCount, formatDays, formatRate } from '../format';
import { type Answer, ProblemAlert } from '../records/answer';
import { Chart } from './chart';
import { SERIES_COLORS } from './palette';

type StagesReport = Schemas['StagesReportView'];
type StageRow = Schemas['StageFlowRowView'];

const FLOWS = ['entered', 'movedForward', 'movedBack', 'won', 'lost', 'movedOut'] as const;
const FLOW_HEADINGS: Record<(typeof FLOWS)[number], string> = {
  entered: 'Entered',
  movedForward: 'Moved forward',
  movedBack: 'Moved back',
  won: 'Won',
  lost: 'Lost',
  movedOut: 'Moved out',
};

/** Stage conversion and time in stage of the chosen pipeline (GET /analytics/stages). */
export function StageFlow({ answer }: { readonly answer: Answer<StagesReport> }) {
  const report = answer.data;
  return (
    <section class="report" aria-labelledby="stage-flow-heading">
      <h3 id="stage-flow-heading">{report ? `Stage conversion: ${report.name}` : 'Stage conversion'}</h3>
      {answer.problem ? <ProblemAlert problem={answer.problem} what="the stage conversion" /> : null}
      {report && !answer.problem ? (
        <>
          <p>
            {'Win rate over the stages: '}
            <strong data-testid="stages-win-rate" data-value={report.winRate ?? ''}>
              {formatRate(report.winRate)}
            </strong>
          </p>
          <figure class="report-figure">
            <figcaption>
              Share of the deals leaving each stage that moved on (forward or won), and their mean time in the
              stage; the figures follow.
            </figcaption>
            <div class="chart-pair">
              <Chart
                label="Stage-to-stage conversion of each stage"
                categories={report.stages.map((stage) => stage.name)}
                series={[
                  {
                    label: 'Conversion',
                    color: SERIES_COLORS[0] ?? '#0b57d0',
                    values: report.stages.map((s) => s.conversion),
                  },
                ]}
                kind="bars"
                formatValue={(value) => formatRate(value)}
                testId="stage-conversion-chart"
              />
              <Chart
                label="Mean time in each stage, in days"
                categories={report.stages.map((stage) => stage.name)}
                series={[
                  {
                    label: 'Mean days in stage',
                    color: SERIES_COLORS[5] ?? '#00626f',
                    values: report.stages.map((s) => s.timeInStage.meanDays),
                  },
                ]}
                kind="bars"
                formatValue={(value) => formatDays(value)}
                testId="stage-time-chart"
              />
            </div>
            <StageTable stages={report.stages} />
          </figure>
        </>
      ) : null}
    </section>
  );
}

function StageTable({ stages }: { readonly stages: readonly StageRow[] }) {
  return (
    <table class="report-table" data-testid="stages-table">
      <caption>Per stage, in pipeline order: deals in and out, conversion and time in stage</caption>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          {FLOWS.map((flow) => (
            <th scope="col" key={flow}>
              {FLOW_HEADINGS[flow]}
            </th>
          ))}
          <th scope="col">Conversion</th>
          <th scope="col">Stays ended</th>
          <th scope="col">Mean time in stage</th>
          <th scope="col">Median time in stage</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((row) => (
          <tr key={row.stage} data-testid={`stage-${row.stage}`}>
            <th scope="row">
              {row.name}
              {row.retired ? ' (retired)' : ''}
            </th>
            {FLOWS.map((flow) => (
              <td key={flow} class="number" data-testid={`stage-${row.stage}-${flow}`} data-value={row[flow]}>
                {formatCount(row[flow])}
              </td>
            ))}
            <td
              class="number"
              data-testid={`stage-${row.stage}-conversion`}
              data-value={row.conversion ?? ''}
            >
              {formatRate(row.conversion)}
            </td>
            <td class="number" data-testid={`stage-${row.stage}-stays`} data-value={row.timeInStage.stays}>
              {formatCount(row.timeInStage.stays)}
            </td>
            <td
              class="number"
              data-testid={`stage-${row.stage}-mean-days`}
              data-value={row.timeInStage.meanDays ?? ''}
            >
              {formatDays(row.timeInStage.meanDays)}
            </td>
            <td
              class="number"
              data-testid={`stage-${row.stage}-median-days`}
              data-value={row.timeInStage.medianDays ?? ''}
            >
              {formatDays(row.timeInStage.medianDays)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { ScoringCommands } from '@app/application';
import {
  type FunnelBandReport,
  funnelBandReport,
  funnelProjection,
  leadListProjection,
  leadListProjectionFor,
} from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReportReader } from '../report-reader';
import { FunnelBandReportQuery } from './funnel-band-report.query';

/**
 * The funnel per band, from the funnel's and the lead list's documents: live from the read store, or as of a
 * moment with the lead list folded under the rule set in effect then.
 */
@QueryHandler(FunnelBandReportQuery)
export class FunnelBandReportHandler implements IQueryHandler<FunnelBandReportQuery> {
  constructor(
    private readonly reports: ReportReader,
    private readonly scoring: ScoringCommands,
  ) {}

  async execute({ selection, moment }: FunnelBandReportQuery): Promise<FunnelBandReport> {
    const leadList = moment.asOf
      ? leadListProjectionFor((await this.scoring.inEffect(moment.asOf)).ruleSet)
      : leadListProjection;
    return this.reports.read([funnelProjection, leadList], moment, (reader, position) =>
      funnelBandReport(reader, selection, position, (moment.asOf ?? new Date()).toISOString()),
    );
  }
}

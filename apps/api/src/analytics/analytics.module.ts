import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { AnalyticsController } from './analytics.controller';
import { ForecastReportHandler } from './queries/forecast-report.handler';
import { FunnelBandReportHandler } from './queries/funnel-band-report.handler';
import { FunnelReportHandler } from './queries/funnel-report.handler';
import { LossesReportHandler } from './queries/losses-report.handler';
import { PipelineReportHandler } from './queries/pipeline-report.handler';
import { StagesReportHandler } from './queries/stages-report.handler';
import { ReportReader } from './report-reader';

@Module({
  imports: [CommandsModule],
  controllers: [AnalyticsController],
  providers: [
    ReportReader,
    PipelineReportHandler,
    FunnelReportHandler,
    FunnelBandReportHandler,
    StagesReportHandler,
    ForecastReportHandler,
    LossesReportHandler,
  ],
})
export class AnalyticsModule {}

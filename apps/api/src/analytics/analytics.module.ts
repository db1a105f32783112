import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { ForecastReportHandler } from './queries/forecast-report.handler';
import { FunnelReportHandler } from './queries/funnel-report.handler';
import { LossesReportHandler } from './queries/losses-report.handler';
import { PipelineReportHandler } from './queries/pipeline-report.handler';
import { StagesReportHandler } from './queries/stages-report.handler';
import { ReportReader } from './report-reader';

@Module({
  controllers: [AnalyticsController],
  providers: [
    ReportReader,
    PipelineReportHandler,
    FunnelReportHandler,
    StagesReportHandler,
    ForecastReportHandler,
    LossesReportHandler,
  ],
})
export class AnalyticsModule {}

import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { FunnelReportHandler } from './queries/funnel-report.handler';
import { PipelineReportHandler } from './queries/pipeline-report.handler';

@Module({
  controllers: [AnalyticsController],
  providers: [PipelineReportHandler, FunnelReportHandler],
})
export class AnalyticsModule {}

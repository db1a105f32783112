import { ReadStore, pipelineProjection, pipelineReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AsOfFolder } from '@app/application';
import { ReadGate } from '../../read-side/read-gate';
import { PipelineReportQuery } from './pipeline-report.query';

@QueryHandler(PipelineReportQuery)
export class PipelineReportHandler implements IQueryHandler<PipelineReportQuery> {
  constructor(
    private readonly store: ReadStore,
    private readonly gate: ReadGate,
    private readonly asOf: AsOfFolder,
  ) {}

  async execute({ asOf, minPosition }: PipelineReportQuery) {
    await this.gate.reached(minPosition);
    if (asOf) {
      const { documents, position } = await this.asOf.fold([pipelineProjection], asOf);
      return pipelineReport(documents, position.toString());
    }
    return this.store.snapshot(async (reader) => {
      const checkpoint = await reader.checkpoint(pipelineProjection.name);
      return pipelineReport(reader, (checkpoint?.position ?? 0n).toString());
    });
  }
}

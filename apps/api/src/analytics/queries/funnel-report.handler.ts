import { ReadStore, funnelProjection, funnelReport } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AsOfFolder } from '@app/application';
import { ReadGate } from '../../read-side/read-gate';
import { FunnelReportQuery } from './funnel-report.query';

@QueryHandler(FunnelReportQuery)
export class FunnelReportHandler implements IQueryHandler<FunnelReportQuery> {
  constructor(
    private readonly store: ReadStore,
    private readonly gate: ReadGate,
    private readonly asOf: AsOfFolder,
  ) {}

  async execute({ selection, asOf, minPosition }: FunnelReportQuery) {
    await this.gate.reached(minPosition);
    if (asOf) {
      const { documents, position } = await this.asOf.fold([funnelProjection], asOf);
      return funnelReport(documents, selection, position.toString());
    }
    return this.store.snapshot(async (reader) => {
      const checkpoint = await reader.checkpoint(funnelProjection.name);
      return funnelReport(reader, selection, (checkpoint?.position ?? 0n).toString());
    });
  }
}

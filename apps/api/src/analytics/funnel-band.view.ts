import { BANDS } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { FunnelFiguresView } from './report.views';

export class FunnelBandRowView extends FunnelFiguresView {
  @ApiProperty({ enum: BANDS, description: "The band of the leads' scores at the report's moment" })
  band!: string;
}

/** GET /analytics/funnel?groupBy=band. */
export class FunnelBandReportView {
  @ApiProperty({ description: 'The last log position the report includes' }) position!: string;
  @ApiProperty({ format: 'date-time', description: "The moment of the leads' scores: now, or asOf" })
  at!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The version of the rule set that scored them' })
  rulesVersion!: number;
  @ApiProperty({
    type: [FunnelBandRowView],
    description: 'hot, warm and cold, in that order, for the leads captured in [from, to)',
  })
  bands!: FunnelBandRowView[];
}

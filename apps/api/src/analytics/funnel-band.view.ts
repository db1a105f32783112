import { BANDS } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { CurrencyTotalView, FunnelRatesView } from './report.views';

export class FunnelBandRowView {
  @ApiProperty({ enum: BANDS, description: "The band of the leads' scores at the report's moment" })
  band!: string;
  @ApiProperty({ type: 'integer' }) captured!: number;
  @ApiProperty({ type: 'integer' }) qualified!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Currently disqualified (a reactivated lead no longer counts)',
  })
  disqualified!: number;
  @ApiProperty({ type: 'integer' }) dealsCreated!: number;
  @ApiProperty({ type: 'integer', description: 'Deals currently won (a reopened deal no longer counts)' })
  won!: number;
  @ApiProperty({ type: 'integer', description: 'Deals currently lost (a reopened deal no longer counts)' })
  lost!: number;
  @ApiProperty({ type: [CurrencyTotalView] }) wonValues!: CurrencyTotalView[];
  @ApiProperty({ type: FunnelRatesView }) rates!: FunnelRatesView;
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

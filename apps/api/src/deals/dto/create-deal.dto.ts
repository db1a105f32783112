import { CalendarDate, Money, MoneyDto, Slug, Text, Uuid } from '../../http/fields';

export class CreateDealDto {
  @Uuid({
    optional: true,
    description:
      "A lead converts into exactly one deal, whose id is derived from the lead's id; if you send dealId it must be that id",
  })
  dealId?: string;

  @Uuid({ description: 'The qualified lead the deal comes from' })
  leadId!: string;

  @Slug({
    optional: true,
    description: 'The pipeline the deal is worked in (default: default)',
    example: 'default',
  })
  pipelineId?: string;

  @Slug({
    optional: true,
    description: "An active stage of the pipeline to start in (default: the pipeline's first active stage)",
    example: 'qualification',
  })
  stage?: string;

  @Text(200, { example: 'Pipeline analytics for Analytical Engines' })
  title!: string;

  @Money()
  value!: MoneyDto;

  @CalendarDate({ example: '2026-06-30' })
  expectedCloseDate!: string;

  @Text(200, { optional: true, example: 'grace' })
  owner?: string;
}

import { Slug, Text } from '../../http/fields';

export class MoveDealDto {
  @Slug({
    description:
      "An active stage of the deal's pipeline: a later one records StageAdvanced, an earlier one StageReverted",
    example: 'demo',
  })
  stage!: string;

  @Text(500, { optional: true, description: 'Why the deal goes back (recorded on a backward move)' })
  reason?: string;
}

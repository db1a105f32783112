import { Slug } from '../../http/fields';

export class MoveDealToPipelineDto {
  @Slug({ description: 'The pipeline the deal moves to', example: 'enterprise' })
  pipelineId!: string;

  @Slug({ optional: true, description: 'An active stage of that pipeline (default: its first active stage)' })
  stage?: string;
}

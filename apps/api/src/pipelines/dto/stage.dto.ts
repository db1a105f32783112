import { Slug, Text, WholeNumber } from '../../http/fields';

export class StageDto {
  @Slug({
    description: 'The stage, a slug that never changes (and is never reused in its pipeline)',
    example: 'discovery',
  })
  stage!: string;

  @Text(100, {
    optional: true,
    description: 'Display name (default: the slug in words)',
    example: 'Discovery',
  })
  name?: string;

  @WholeNumber(0, 100, { description: 'Win probability in percent, for weighted value', example: 20 })
  probability!: number;

  @WholeNumber(1, 3650, {
    nullable: true,
    description: 'A deal untouched for longer than this many days in the stage is rotting; null: never',
  })
  rottenAfterDays?: number | null;
}

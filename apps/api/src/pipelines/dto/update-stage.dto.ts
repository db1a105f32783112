import { Text, WholeNumber } from '../../http/fields';

/** Merge semantics: only the fields sent change; null clears rottenAfterDays. */
export class UpdateStageDto {
  @Text(100, { optional: true })
  name?: string;

  @WholeNumber(0, 100, { optional: true, description: 'Win probability in percent' })
  probability?: number;

  @WholeNumber(1, 3650, { nullable: true, description: 'Rotting period in days; null: never' })
  rottenAfterDays?: number | null;
}

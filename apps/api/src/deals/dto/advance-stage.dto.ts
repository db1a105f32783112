import { STAGES } from '@app/domain';
import { OneOf } from '../../http/fields';

export class AdvanceStageDto {
  @OneOf(STAGES, { description: 'A later stage of the pipeline (stages may be skipped, never gone back to)' })
  stage!: string;
}

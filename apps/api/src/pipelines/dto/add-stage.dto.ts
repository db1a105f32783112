import { Slug } from '../../http/fields';
import { StageDto } from './stage.dto';

export class AddStageDto extends StageDto {
  @Slug({ optional: true, description: 'The stage to put it after (default: last)', example: 'demo' })
  after?: string;
}

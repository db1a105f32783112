import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, ValidateNested } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { MAX_STAGES } from '@app/domain';
import { Slug, Text } from '../../http/fields';
import { StageDto } from './stage.dto';

export class DefinePipelineDto {
  @Slug({
    optional: true,
    description: 'Your own id for the pipeline (a slug); one is made up otherwise',
    example: 'enterprise',
  })
  pipelineId?: string;

  @Text(100, { example: 'Enterprise sales' })
  name!: string;

  @ApiProperty({ type: [StageDto], minItems: 1, maxItems: MAX_STAGES, description: 'The stages, in order' })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1, { message: '$property must hold at least one stage' })
  @ArrayMaxSize(MAX_STAGES)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages!: StageDto[];
}

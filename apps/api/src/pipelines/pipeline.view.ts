import type { DefinedPipeline } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';

export class PipelineStageView {
  @ApiProperty({ description: 'The slug that names the stage; it never changes', example: 'demo' })
  stage!: string;
  @ApiProperty({ example: 'Demo' }) name!: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'Win probability in percent' })
  probability!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: 'Rotting period in days; null: never',
  })
  rottenAfterDays!: number | null;
  @ApiProperty({ description: 'A retired stage takes no new deals; deals in it stay and may move out' })
  retired!: boolean;
}

export class PipelineView {
  @ApiProperty({ example: 'default' }) pipelineId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [PipelineStageView], description: 'In pipeline order, retired stages included' })
  stages!: PipelineStageView[];
  @ApiProperty({
    type: 'integer',
    minimum: -1,
    description:
      'Revision of the pipeline stream; also the ETag. -1 for the default pipeline while it is as built in',
  })
  revision!: number;
}

export class PipelineList {
  @ApiProperty({ type: [PipelineView], description: 'The default pipeline first, then the others by name' })
  items!: PipelineView[];
}

export const toPipelineView = (pipeline: DefinedPipeline, revision: number): PipelineView => ({
  pipelineId: pipeline.pipelineId,
  name: pipeline.name,
  stages: pipeline.stages.map(({ stage, name, probability, rottenAfterDays, retired }) => ({
    stage,
    name,
    probability,
    rottenAfterDays,
    retired,
  })),
  revision,
});

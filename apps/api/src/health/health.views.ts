import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answers of GET /health, /health/live and /health/ready, for the OpenAPI document. */

const POSITION = { pattern: '^\\d{1,20}$', example: '1042' } as const;

export class ConsumerProgressView {
  @ApiProperty({ ...POSITION, description: 'The last log position it has processed' }) checkpoint!: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'Events behind the head; null where positions have gaps (EventStoreDB), so it cannot be counted',
  })
  lag!: number | null;
  @ApiProperty({ description: 'Whether the checkpoint has reached the head' }) caughtUp!: boolean;
}

export class RebuildProgressView extends ConsumerProgressView {
  @ApiProperty({ type: 'integer', description: 'The version being built' }) version!: number;
}

export class ProjectionProgressView extends ConsumerProgressView {
  @ApiProperty({ example: 'lead-list' }) name!: string;
  @ApiProperty({ type: 'integer', description: 'The version of the documents queries read' })
  version!: number;
  @ApiPropertyOptional({
    type: RebuildProgressView,
    description:
      'While a new version of the read model is built beside the documents queries read (they answer ' +
      'meanwhile, frozen at `checkpoint`): that version and how far it has got. It replaces them once caught up.',
  })
  rebuilding?: RebuildProgressView;
}

export class EventStoreCheckView {
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiPropertyOptional({ ...POSITION, description: 'The position of the last event in the log (when up)' })
  head?: string;
  @ApiPropertyOptional({ description: 'What failed (when down)' }) message?: string;
}

export class ReadModelsCheckView {
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiPropertyOptional({ type: [ProjectionProgressView], description: 'Each projection (when up)' })
  projections?: ProjectionProgressView[];
  @ApiPropertyOptional({
    type: ConsumerProgressView,
    description: 'The lead-to-deal automation, where it runs',
  })
  automation?: ConsumerProgressView;
  @ApiPropertyOptional({ description: 'What failed (when down)' }) message?: string;
}

export class HealthChecksView {
  @ApiProperty({ type: EventStoreCheckView }) eventStore!: EventStoreCheckView;
  @ApiProperty({ type: ReadModelsCheckView }) readModels!: ReadModelsCheckView;
}

export class HealthReportView {
  @ApiProperty({ enum: ['ok'] }) status!: string;
  @ApiProperty({ type: HealthChecksView, description: 'The checks that are up: all of them in a 200' })
  info!: HealthChecksView;
  @ApiProperty({
    type: 'object',
    additionalProperties: false,
    description: 'The checks that are down: none in a 200',
  })
  error!: Record<string, never>;
  @ApiProperty({ type: HealthChecksView, description: 'Every check' }) details!: HealthChecksView;
}

export class LivenessView {
  @ApiProperty({ enum: ['up'] }) status!: string;
}

export class ConsumerLagView {
  @ApiProperty({ ...POSITION, description: 'The last log position it has processed' }) checkpoint!: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Events behind the head; null where positions have gaps, so it cannot be counted',
  })
  lag!: number | null;
}

export class ProjectionLagView extends ConsumerLagView {
  @ApiProperty({ example: 'lead-list' }) name!: string;
}

export class ReadinessView {
  @ApiProperty({ enum: ['ready'] }) status!: string;
  @ApiProperty({ ...POSITION, description: 'The position of the last event in the log' }) head!: string;
  @ApiProperty({ type: 'integer', description: 'READY_MAX_LAG: how far behind a read model may be' })
  maxLag!: number;
  @ApiProperty({ type: [ProjectionLagView] }) projections!: ProjectionLagView[];
  @ApiPropertyOptional({ type: ConsumerLagView, description: 'The lead-to-deal automation, where it runs' })
  automation?: ConsumerLagView;
}

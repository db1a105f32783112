import { ApiProperty } from '@nestjs/swagger';

/** One event of the log as GET /events sends it: the `data:` of an SSE message, or an item of a page. */
export class EventMessageDto {
  @ApiProperty({ example: 'deal-0b6f4e3c-2f0e-4b8e-9a51-6f1d1b7c2a10' })
  streamId!: string;

  @ApiProperty({ description: 'Revision of the event in its stream, from 0', example: 4 })
  revision!: number;

  @ApiProperty({
    description: 'Global log position (a string: it may exceed 2^53); also the SSE id',
    example: '1042',
  })
  position!: string;

  @ApiProperty({ description: 'The event type; also the SSE event name', example: 'DealWon' })
  type!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The event's data" })
  data!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'occurredAt, actor, correlationId, causationId, schemaVersion, and more',
  })
  metadata!: Record<string, unknown>;
}

export class EventPageDto {
  @ApiProperty({ type: [EventMessageDto], description: 'Matching events in log order' })
  events!: EventMessageDto[];

  @ApiProperty({
    description:
      'Pass as `after` for the next page: the position of the last event scanned, or the given start when none was',
    example: '1042',
  })
  nextAfter!: string;
}

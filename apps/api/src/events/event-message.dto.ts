import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/**
 * Open to keys this list does not name: adapters and callers add their own. (@ApiSchema passes every option
 * on to the schema; its type names only name and description.)
 */
const OPEN_SCHEMA = {
  description: "An event's metadata as stored: who caused it, when and why, and the keys adapters add",
  additionalProperties: true,
};

/** The metadata of an event as stored: who, when, why; adapters add keys of their own (the chain's hash...). */
@ApiSchema(OPEN_SCHEMA)
export class EventMetadataView {
  @ApiProperty({ format: 'date-time', description: 'When the command that caused the event was decided' })
  occurredAt!: string;

  @ApiProperty({ description: 'Who caused it: the name of the API key', example: 'crm-sync' })
  actor!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The API key that caused it' })
  actorKeyId?: string;

  @ApiPropertyOptional({ description: 'The person a key issued with actOnBehalf acted for (X-On-Behalf-Of)' })
  onBehalfOf?: string;

  @ApiProperty({ description: 'Ties together the events one business operation caused (X-Correlation-Id)' })
  correlationId!: string;

  @ApiProperty({ description: 'The id of the command or event that directly caused this one' })
  causationId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: "The schema version of the event's data" })
  schemaVersion!: number;

  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{64}$',
    description: "The tamper-evidence chain: SHA-256 (hex) over the previous event's hash and this event",
  })
  hash?: string;

  @ApiPropertyOptional({
    description: 'The Idempotency-Key of the request that wrote it, scoped to its API key',
  })
  idempotencyKey?: string;

  @ApiPropertyOptional({ description: 'A digest of that request, to tell a retry from another request' })
  requestFingerprint?: string;
}

/** One event of the log as GET /events sends it: the `data:` of an SSE message, or an item of a page. */
export class EventMessageDto {
  @ApiProperty({ example: 'deal-0b6f4e3c-2f0e-4b8e-9a51-6f1d1b7c2a10' })
  streamId!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Revision of the event in its stream, from 0',
    example: 4,
  })
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

  @ApiProperty({ type: EventMetadataView })
  metadata!: EventMetadataView;
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

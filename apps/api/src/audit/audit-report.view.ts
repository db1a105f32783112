import { ApiProperty } from '@nestjs/swagger';

/** The answer of GET /audit/verify, for the OpenAPI document (the report is the event store's AuditReport). */
export class BrokenLinkView {
  @ApiProperty({ example: 'deal-0b6f4e3c-2f0e-4b8e-9a51-6f1d1b7c2a10' }) streamId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The first revision whose hash does not hold' })
  revision!: number;
}

export class MissingPositionsView {
  @ApiProperty({ pattern: '^\\d{1,20}$', description: 'The last position present before the gap' })
  after!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'How many positions are missing after it' })
  count!: number;
}

export class AuditReportView {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Streams checked' }) streams!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events checked' }) events!: number;
  @ApiProperty({ description: 'True when every chain holds and no position is missing' }) verified!: boolean;
  @ApiProperty({ type: [BrokenLinkView], description: 'Each stream whose chain breaks, and where' })
  broken!: BrokenLinkView[];
  @ApiProperty({
    type: [MissingPositionsView],
    description:
      'Gaps in the positions of a log that has none by design (the embedded store): events removed outright',
  })
  missingPositions!: MissingPositionsView[];
}

import { ApiProperty } from '@nestjs/swagger';
import { Text } from '../http/fields';
import { ErasureView } from '../leads/lead.view';

export class EraseLeadDto {
  @Text(500, {
    description: 'Why the data is erased, kept in the log (no personal data here: it stays readable)',
    example: 'the person asked for erasure (GDPR Art. 17), ticket 4711',
  })
  reason!: string;
}

class PersonalDataEventView {
  @ApiProperty({ example: 'lead-0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e' }) streamId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) revision!: number;
  @ApiProperty({ description: 'Global log position' }) position!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'When it happened (empty when the event does not say)' }) occurredAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Who recorded it' }) actor!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data with the personal fields opened (null once erased, with `erased`)",
  })
  data!: Record<string, unknown>;
}

export class PersonalDataView {
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: ErasureView, nullable: true, description: 'When and why the data was erased' })
  erased!: ErasureView | null;
  @ApiProperty({
    type: [PersonalDataEventView],
    description:
      "Every event of the lead's stream and of its deal's, in order: all the service holds about the person",
  })
  events!: PersonalDataEventView[];
}

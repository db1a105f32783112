import { ApiProperty } from '@nestjs/swagger';
import type { CommandResult } from '@app/application';

export class CommandResultDto implements CommandResult {
  @ApiProperty({ description: 'The id of the lead, deal (UUIDs) or pipeline (a slug)' })
  id!: string;

  @ApiProperty({
    type: 'integer',
    minimum: -1,
    description:
      'The stream revision after the command (also sent as ETag); -1 when a command on the default pipeline, ' +
      'still as built in, changed nothing',
    example: 3,
  })
  revision!: number;

  @ApiProperty({
    pattern: '^\\d{1,20}$',
    description: 'Global log position of the last event written (a string: it may exceed 2^53)',
    example: '1042',
  })
  position!: string;
}

export class CaptureResultDto extends CommandResultDto {
  @ApiProperty({
    type: [String],
    description:
      'Other leads with the same email (trimmed, lower-case), as far as the read models have seen them: ' +
      'possible duplicates for a person to look at (the capture is not refused)',
  })
  possibleDuplicates!: string[];
}

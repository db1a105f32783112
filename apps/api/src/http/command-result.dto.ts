import { ApiProperty } from '@nestjs/swagger';
import type { CommandResult } from '@app/application';

export class CommandResultDto implements CommandResult {
  @ApiProperty({ description: 'The id of the lead, deal (UUIDs) or pipeline (a slug)' })
  id!: string;

  @ApiProperty({ description: 'The stream revision after the command (also sent as ETag)', example: 3 })
  revision!: number;

  @ApiProperty({ description: 'Global log position of the last event written', example: '1042' })
  position!: string;
}

import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { AdvanceStageDto } from '../dto/advance-stage.dto';

export class AdvanceStageCommand extends Command<CommandResult> {
  constructor(
    readonly dealId: string,
    readonly input: AdvanceStageDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

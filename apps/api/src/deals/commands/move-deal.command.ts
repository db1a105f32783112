import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { MoveDealDto } from '../dto/move-deal.dto';

export class MoveDealCommand extends Command<CommandResult> {
  constructor(
    readonly dealId: string,
    readonly input: MoveDealDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { LoseDealDto } from '../dto/lose-deal.dto';

export class LoseDealCommand extends Command<CommandResult> {
  constructor(
    readonly dealId: string,
    readonly input: LoseDealDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

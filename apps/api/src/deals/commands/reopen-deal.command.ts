import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { ReopenDealDto } from '../dto/reopen-deal.dto';

export class ReopenDealCommand extends Command<CommandResult> {
  constructor(
    readonly dealId: string,
    readonly input: ReopenDealDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

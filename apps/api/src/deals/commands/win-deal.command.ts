import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { WinDealDto } from '../dto/win-deal.dto';

export class WinDealCommand extends Command<CommandResult> {
  constructor(
    readonly dealId: string,
    readonly input: WinDealDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

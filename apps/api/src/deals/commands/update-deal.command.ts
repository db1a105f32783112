import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { UpdateDealDto } from '../dto/update-deal.dto';

export class UpdateDealCommand extends Command<CommandResult> {
  constructor(
    readonly dealId: string,
    readonly input: UpdateDealDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { CreateDealDto } from '../dto/create-deal.dto';

export class CreateDealCommand extends Command<CommandResult> {
  constructor(
    readonly input: CreateDealDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MoveDealCommand } from './move-deal.command';

@CommandHandler(MoveDealCommand)
export class MoveDealHandler implements ICommandHandler<MoveDealCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ dealId, input, meta }: MoveDealCommand) {
    return this.deals.move(dealId, input, meta);
  }
}

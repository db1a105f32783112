import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LoseDealCommand } from './lose-deal.command';

@CommandHandler(LoseDealCommand)
export class LoseDealHandler implements ICommandHandler<LoseDealCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ dealId, input, meta }: LoseDealCommand) {
    return this.deals.lose(dealId, input, meta);
  }
}

import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReopenDealCommand } from './reopen-deal.command';

@CommandHandler(ReopenDealCommand)
export class ReopenDealHandler implements ICommandHandler<ReopenDealCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ dealId, input, meta }: ReopenDealCommand) {
    return this.deals.reopen(dealId, input, meta);
  }
}

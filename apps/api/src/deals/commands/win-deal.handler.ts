import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WinDealCommand } from './win-deal.command';

@CommandHandler(WinDealCommand)
export class WinDealHandler implements ICommandHandler<WinDealCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ dealId, input, meta }: WinDealCommand) {
    return this.deals.win(dealId, input, meta);
  }
}

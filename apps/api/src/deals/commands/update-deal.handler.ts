import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UpdateDealCommand } from './update-deal.command';

@CommandHandler(UpdateDealCommand)
export class UpdateDealHandler implements ICommandHandler<UpdateDealCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ dealId, input, meta }: UpdateDealCommand) {
    return this.deals.update(dealId, input, meta);
  }
}

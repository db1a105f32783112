import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CreateDealCommand } from './create-deal.command';

@CommandHandler(CreateDealCommand)
export class CreateDealHandler implements ICommandHandler<CreateDealCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ input, meta }: CreateDealCommand) {
    return this.deals.create(input, meta);
  }
}

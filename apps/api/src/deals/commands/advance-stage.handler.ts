import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AdvanceStageCommand } from './advance-stage.command';

@CommandHandler(AdvanceStageCommand)
export class AdvanceStageHandler implements ICommandHandler<AdvanceStageCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ dealId, input, meta }: AdvanceStageCommand) {
    return this.deals.advance(dealId, input, meta);
  }
}

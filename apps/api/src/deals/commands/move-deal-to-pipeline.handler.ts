import { DealCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MoveDealToPipelineCommand } from './move-deal-to-pipeline.command';

@CommandHandler(MoveDealToPipelineCommand)
export class MoveDealToPipelineHandler implements ICommandHandler<MoveDealToPipelineCommand> {
  constructor(private readonly deals: DealCommands) {}

  execute({ dealId, input, meta }: MoveDealToPipelineCommand) {
    return this.deals.moveToPipeline(dealId, input, meta);
  }
}

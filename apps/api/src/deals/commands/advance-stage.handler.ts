import { dealDecider, dealStream } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateCommandExecutor } from '@app/application';
import { AdvanceStageCommand } from './advance-stage.command';

@CommandHandler(AdvanceStageCommand)
export class AdvanceStageHandler implements ICommandHandler<AdvanceStageCommand> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ dealId, input, meta }: AdvanceStageCommand) {
    return this.executor.execute({
      streamId: dealStream(dealId),
      aggregateId: dealId,
      decider: dealDecider,
      command: (now) => ({ type: 'AdvanceStage' as const, data: { ...input, dealId }, metadata: { now } }),
      meta,
    });
  }
}

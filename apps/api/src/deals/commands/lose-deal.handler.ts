import { dealDecider, dealStream } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateCommandExecutor } from '@app/application';
import { LoseDealCommand } from './lose-deal.command';

@CommandHandler(LoseDealCommand)
export class LoseDealHandler implements ICommandHandler<LoseDealCommand> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ dealId, input, meta }: LoseDealCommand) {
    return this.executor.execute({
      streamId: dealStream(dealId),
      aggregateId: dealId,
      decider: dealDecider,
      command: (now) => ({ type: 'LoseDeal' as const, data: { ...input, dealId }, metadata: { now } }),
      meta,
    });
  }
}

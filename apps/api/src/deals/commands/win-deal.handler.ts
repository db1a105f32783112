import { dealDecider, dealStream } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateCommandExecutor } from '@app/application';
import { WinDealCommand } from './win-deal.command';

@CommandHandler(WinDealCommand)
export class WinDealHandler implements ICommandHandler<WinDealCommand> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ dealId, input, meta }: WinDealCommand) {
    return this.executor.execute({
      streamId: dealStream(dealId),
      aggregateId: dealId,
      decider: dealDecider,
      command: (now) => ({ type: 'WinDeal' as const, data: { ...input, dealId }, metadata: { now } }),
      meta,
    });
  }
}

import { leadDecider, leadStream } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateCommandExecutor } from '@app/application';
import { DisqualifyLeadCommand } from './disqualify-lead.command';

@CommandHandler(DisqualifyLeadCommand)
export class DisqualifyLeadHandler implements ICommandHandler<DisqualifyLeadCommand> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ leadId, input, meta }: DisqualifyLeadCommand) {
    return this.executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now) => ({ type: 'DisqualifyLead' as const, data: { ...input, leadId }, metadata: { now } }),
      meta,
    });
  }
}

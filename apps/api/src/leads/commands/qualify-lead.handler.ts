import { leadDecider, leadStream } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateCommandExecutor } from '@app/application';
import { QualifyLeadCommand } from './qualify-lead.command';

@CommandHandler(QualifyLeadCommand)
export class QualifyLeadHandler implements ICommandHandler<QualifyLeadCommand> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ leadId, input, meta }: QualifyLeadCommand) {
    return this.executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now) => ({ type: 'QualifyLead' as const, data: { ...input, leadId }, metadata: { now } }),
      meta,
    });
  }
}

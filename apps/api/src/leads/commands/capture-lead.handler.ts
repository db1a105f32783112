import { leadDecider, leadStream, nameBasedUuid } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateCommandExecutor } from '@app/application';
import { timeOrderedUuid } from '@app/event-store';
import { CaptureLeadCommand } from './capture-lead.command';

/** Namespace of lead ids derived from idempotency keys, so that a keyed retry captures the same lead. */
const LEAD_FROM_KEY_NAMESPACE = '8e0f4b2a-3c71-4d95-a6e8-0b9d2c7f5a13';

@CommandHandler(CaptureLeadCommand)
export class CaptureLeadHandler implements ICommandHandler<CaptureLeadCommand> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ input, meta }: CaptureLeadCommand) {
    const fresh = input.leadId === undefined && meta.idempotency === undefined;
    const leadId = (
      input.leadId ??
      (meta.idempotency ? nameBasedUuid(LEAD_FROM_KEY_NAMESPACE, meta.idempotency.key) : timeOrderedUuid())
    ).toLowerCase();
    return this.executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now) => ({ type: 'CaptureLead' as const, data: { ...input, leadId }, metadata: { now } }),
      meta,
      fresh,
    });
  }
}

import { dealDecider, dealIdForLead, dealStream, leadDecider, leadStream } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateCommandExecutor, AggregateLoader } from '@app/application';
import { CreateDealCommand } from './create-deal.command';

@CommandHandler(CreateDealCommand)
export class CreateDealHandler implements ICommandHandler<CreateDealCommand> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly loader: AggregateLoader,
  ) {}

  async execute({ input, meta }: CreateDealCommand) {
    const leadId = input.leadId.toLowerCase();
    const dealId = dealIdForLead(leadId);
    // Qualified is final for a lead, so the lead read once stays true however often the deal is re-decided.
    const { state: lead } = await this.loader.load(leadStream(leadId), leadDecider);
    return this.executor.execute({
      streamId: dealStream(dealId),
      aggregateId: dealId,
      decider: dealDecider,
      command: (now) => ({
        type: 'CreateDeal' as const,
        data: { ...input, leadId, dealId: input.dealId?.toLowerCase() ?? dealId, lead },
        metadata: { now },
      }),
      meta,
    });
  }
}

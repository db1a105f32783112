import {
  DomainError,
  type LeadQualifiedData,
  dealDecider,
  dealIdForLead,
  dealStream,
  leadDecider,
  leadStream,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { ConsumerHandler } from '@app/read-models';
import { Injectable, Logger } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { AggregateLoader } from '../commands/aggregate-loader';

/**
 * "Create a deal automatically as soon as a lead is qualified": valued at the qualification's budget,
 * expected to close at its timeline, titled from the lead. The deal's id is derived from the lead's, so
 * however often this runs for one qualification (a replay, a restart, a person who created the deal first),
 * the lead still has exactly one deal.
 */
@Injectable()
export class DealAutomation implements ConsumerHandler {
  readonly name = 'deal-automation';
  private readonly logger = new Logger('DealAutomation');

  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly loader: AggregateLoader,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type !== 'LeadQualified') return;
    const qualified = event.data as unknown as LeadQualifiedData;
    const leadId = qualified.leadId;
    const dealId = dealIdForLead(leadId);
    const { state: lead } = await this.loader.load(leadStream(leadId), leadDecider);
    if (lead.status === 'none') return;
    try {
      await this.executor.execute({
        streamId: dealStream(dealId),
        aggregateId: dealId,
        decider: dealDecider,
        command: (now) => ({
          type: 'CreateDeal' as const,
          data: {
            dealId,
            leadId,
            title: lead.company ? `${lead.company}: ${lead.name}` : lead.name,
            value: qualified.budget,
            expectedCloseDate: qualified.timeline,
            lead,
          },
          metadata: { now },
        }),
        meta: { actor: 'automation', correlationId: event.metadata.correlationId, commandId: event.id },
      });
    } catch (error) {
      // Already created (by a person, or by an earlier run of this handler): the goal is reached.
      if (error instanceof DomainError && error.code === 'DEAL_ALREADY_EXISTS') return;
      if (error instanceof DomainError) {
        this.logger.warn(`no deal created for lead ${leadId}: ${error.message}`);
        return;
      }
      throw error;
    }
  }
}

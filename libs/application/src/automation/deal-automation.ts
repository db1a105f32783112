import { DomainError, type LeadQualifiedData, leadDecider, leadStream } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { ConsumerHandler } from '@app/read-models';
import { Injectable, Logger } from '@nestjs/common';
import { AggregateLoader } from '../commands/aggregate-loader';
import { DealCommands } from '../use-cases/deal-commands';

/**
 * "Create a deal automatically as soon as a lead is qualified": valued at the qualification's budget,
 * expected to close at its timeline, titled from the lead, in the default pipeline. The deal's id is derived
 * from the lead's, so however often this runs for one qualification (a replay, a restart, a person who
 * created the deal first), the lead still has exactly one deal.
 */
@Injectable()
export class DealAutomation implements ConsumerHandler {
  readonly name = 'deal-automation';
  private readonly logger = new Logger('DealAutomation');

  constructor(
    private readonly deals: DealCommands,
    private readonly loader: AggregateLoader,
  ) {}

  /** Answers the log position of the deal it created, if it created one. */
  async handle(event: RecordedEvent): Promise<bigint | undefined> {
    if (event.type !== 'LeadQualified') return undefined;
    const qualified = event.data as unknown as LeadQualifiedData;
    const { state: lead } = await this.loader.load(leadStream(qualified.leadId), leadDecider);
    if (lead.status === 'none') return undefined;
    // The person asked to be forgotten before the deal was made: a title is theirs, and nothing can seal it.
    if (lead.erased || lead.name === null) return undefined;
    try {
      const created = await this.deals.create(
        {
          leadId: qualified.leadId,
          title: lead.company ? `${lead.company}: ${lead.name}` : lead.name,
          value: qualified.budget,
          expectedCloseDate: qualified.timeline,
        },
        { actor: 'automation', correlationId: event.metadata.correlationId, commandId: event.id },
      );
      return BigInt(created.position);
    } catch (error) {
      // Already created (by a person, or by an earlier run of this handler): the goal is reached.
      if (error instanceof DomainError && error.code === 'DEAL_ALREADY_EXISTS') return undefined;
      if (error instanceof DomainError) {
        this.logger.warn(`no deal created for lead ${qualified.leadId}: ${error.message}`);
        return undefined;
      }
      throw error;
    }
  }
}

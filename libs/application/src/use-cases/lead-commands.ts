import {
  type CaptureLead,
  type DisqualifyLead,
  type Interaction,
  type LeadCommand,
  type QualifyLead,
  type ReactivateLead,
  type UpdateLead,
  leadDecider,
  leadStream,
} from '@app/domain';
import { timeOrderedUuid } from '@app/event-store';
import { ReadStore, leadIdsWithEmailDigest } from '@app/read-models';
import { Inject, Injectable } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandMeta, CommandResult } from '../commands/command-meta';
import { KeyedIds } from '../commands/keyed-ids';
import { EMAIL_DIGEST } from '../storage/storage.module';

/** Namespace of lead ids derived from idempotency keys, so that a keyed retry captures the same lead. */
const LEAD_FROM_KEY_NAMESPACE = '8e0f4b2a-3c71-4d95-a6e8-0b9d2c7f5a13';

type Input<C extends LeadCommand> = Omit<C['data'], 'leadId'>;

/** A capture's answer: and the leads already known with the same email, for a person to look at. */
export interface CaptureResult extends CommandResult {
  readonly possibleDuplicates: string[];
}

/** The lead use cases: capture, verdicts, corrections, reactivation, notes and activities. */
@Injectable()
export class LeadCommands {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly earlier: KeyedIds,
    private readonly reads: ReadStore,
    @Inject(EMAIL_DIGEST) private readonly emailDigest: (email: string) => string,
  ) {}

  /**
   * Captures the lead, and names the other leads with the same email (normalised) as far as the read models
   * have seen them: a duplicate is for a person to judge, so it is not refused.
   */
  async capture(
    input: Input<CaptureLead> & { readonly leadId?: string },
    meta: CommandMeta,
  ): Promise<CaptureResult> {
    // A lead id made up here names a stream that cannot exist yet: append without reading it first.
    const fresh = input.leadId === undefined && meta.idempotency === undefined;
    const leadId = (
      input.leadId ??
      (meta.idempotency
        ? await this.earlier.idFromKey(LEAD_FROM_KEY_NAMESPACE, meta.idempotency, leadStream)
        : timeOrderedUuid())
    ).toLowerCase();
    const result = await this.execute(
      leadId,
      meta,
      { type: 'CaptureLead', data: { ...input, leadId } },
      fresh,
    );
    const sameEmail = await leadIdsWithEmailDigest(this.reads, this.emailDigest(input.email));
    return { ...result, possibleDuplicates: sameEmail.filter((id) => id !== result.id) };
  }

  qualify(leadId: string, input: Input<QualifyLead>, meta: CommandMeta) {
    return this.execute(leadId, meta, { type: 'QualifyLead', data: { ...input, leadId } });
  }

  disqualify(leadId: string, input: Input<DisqualifyLead>, meta: CommandMeta) {
    return this.execute(leadId, meta, { type: 'DisqualifyLead', data: { ...input, leadId } });
  }

  update(leadId: string, input: Input<UpdateLead>, meta: CommandMeta) {
    return this.execute(leadId, meta, { type: 'UpdateLead', data: { ...input, leadId } });
  }

  reactivate(leadId: string, input: Input<ReactivateLead>, meta: CommandMeta) {
    return this.execute(leadId, meta, { type: 'ReactivateLead', data: { ...input, leadId } });
  }

  /** A note or an activity on the lead; InteractionCommands makes the request and answers with its id. */
  recordInteraction(leadId: string, interaction: Interaction, meta: CommandMeta): Promise<CommandResult> {
    return this.execute(leadId, meta, { type: 'RecordLeadInteraction', data: { leadId, interaction } });
  }

  private execute(
    leadId: string,
    meta: CommandMeta,
    command: Omit<LeadCommand, 'metadata'>,
    fresh = false,
  ): Promise<CommandResult> {
    return this.executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now) => ({ ...command, metadata: { now } }) as LeadCommand,
      meta,
      fresh,
    });
  }
}

import {
  type DomainError,
  type ErasureNotice,
  type LeadCommand,
  conflict,
  dealIdForLead,
  dealStream,
  leadDecider,
  leadStream,
  notFound,
  personalDataSubject,
  personalFieldsOf,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandMeta, CommandResult } from '../commands/command-meta';
import { DataKeys } from '../personal-data/data-keys';
import { SEALED, keysOf, sealedFieldsOf } from '../storage/personal-data-event-store';
import { SEALED_EVENTS, STORED_EVENTS } from '../storage/storage.module';

/** Everything the service holds about a person (GDPR Art. 15 and 20): their lead's and deal's events, opened. */
export interface PersonalDataExport {
  readonly leadId: string;
  readonly exportedAt: string;
  /** When and why the person's data was erased; null while it is held. */
  readonly erased: ErasureNotice | null;
  /** Every event of the lead's stream and of its deal's, as read now: personal fields opened (or null once erased). */
  readonly events: readonly {
    readonly streamId: string;
    readonly revision: number;
    readonly position: string;
    readonly type: string;
    readonly occurredAt: string;
    readonly actor: string | null;
    readonly data: Record<string, unknown>;
  }[];
}

/**
 * A person's rights over their data: erasure (crypto-shredding) and export. Erasure appends LeadErased (which
 * every read model purges on) and then destroys the person's data key, which no stored event can be opened
 * without any more. A crash between the two leaves the key in place: the retry finds the lead erased and
 * completes the erasure by destroying the key.
 */
@Injectable()
export class PersonalDataCommands {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly keys: DataKeys,
    @Inject(SEALED_EVENTS) private readonly sealed: EventStore,
    @Inject(STORED_EVENTS) private readonly stored: EventStore,
  ) {}

  async erase(leadId: string, input: { readonly reason: string }, meta: CommandMeta): Promise<CommandResult> {
    await this.refuseUnsealed(leadId);
    let erasedAt: string | undefined;
    let result: CommandResult;
    try {
      result = await this.executor.execute({
        streamId: leadStream(leadId),
        aggregateId: leadId,
        decider: leadDecider,
        command: (now): LeadCommand => {
          erasedAt = now;
          return { type: 'EraseLead', data: { leadId, reason: input.reason }, metadata: { now } };
        },
        meta,
      });
    } catch (error) {
      if ((error as DomainError).code === 'LEAD_ALREADY_ERASED') await this.completeErasure(leadId);
      throw error;
    }
    await this.destroyKeys(leadId, { at: erasedAt!, reason: input.reason });
    return result;
  }

  /** Destroys every key the person's events (their lead's and their deal's, as stored) are sealed with. */
  private async destroyKeys(leadId: string, erasure: ErasureNotice): Promise<void> {
    const subject = personalDataSubject(leadId);
    const events = [
      ...(await this.sealed.readStream(leadStream(leadId))),
      ...(await this.sealed.readStream(dealStream(dealIdForLead(leadId)))),
    ];
    for (const kid of keysOf(subject, events)) await this.keys.erase(kid, erasure);
  }

  /** Destroys the key of a lead whose LeadErased is in the log (an erasure interrupted before it did). */
  private async completeErasure(leadId: string): Promise<void> {
    const events = await this.sealed.readStream(leadStream(leadId));
    const erased = events.find((event) => event.type === 'LeadErased');
    if (!erased) return;
    const data = erased.data as { reason: string; erasedAt: string };
    await this.destroyKeys(leadId, { at: data.erasedAt, reason: data.reason });
  }

  /**
   * A lead captured before personal data was sealed holds it in the clear in the log, where destroying a key
   * cannot reach it: its erasure waits for the log to be sealed (npm run personal-data:seal).
   */
  private async refuseUnsealed(leadId: string): Promise<void> {
    const streams = [leadStream(leadId), dealStream(dealIdForLead(leadId))];
    for (const streamId of streams) {
      for (const event of await this.sealed.readStream(streamId)) {
        if (holdsUnsealedPersonalData(event)) {
          throw conflict(
            'PERSONAL_DATA_NOT_SEALED',
            `${streamId} holds personal data written before it was sealed (revision ${event.revision}): ` +
              'seal the log first (npm run personal-data:seal, with the service stopped), then erase',
          );
        }
      }
    }
  }

  async export(leadId: string): Promise<PersonalDataExport> {
    const lead = await this.stored.readStream(leadStream(leadId));
    if (lead.length === 0) throw notFound('LEAD_NOT_FOUND', `lead ${leadId} does not exist`);
    const deal = await this.stored.readStream(dealStream(dealIdForLead(leadId)));
    const erased = lead.find((event) => event.type === 'LeadErased');
    return {
      leadId,
      exportedAt: new Date().toISOString(),
      erased: erased
        ? {
            at: (erased.data as { erasedAt: string }).erasedAt,
            reason: (erased.data as { reason: string }).reason,
          }
        : null,
      events: [...lead, ...deal].map(exported),
    };
  }
}

/** Whether an event as stored holds personal fields in the clear (written before sealing). */
export function holdsUnsealedPersonalData(event: RecordedEvent): boolean {
  const personal = personalFieldsOf(event);
  if (!personal || sealedFieldsOf(event)) return false;
  return personal.fields.some((field) => event.data[field] !== undefined && event.data[field] !== null);
}

const exported = (event: RecordedEvent): PersonalDataExport['events'][number] => {
  const { [SEALED]: _sealed, ...data } = event.data;
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: event.position.toString(),
    type: event.type,
    occurredAt: typeof event.metadata['occurredAt'] === 'string' ? event.metadata['occurredAt'] : '',
    actor: typeof event.metadata['actor'] === 'string' ? event.metadata['actor'] : null,
    data,
  };
};

import { type Interaction, dealStream, leadStream, nameBasedUuid } from '@app/domain';
import { timeOrderedUuid } from '@app/event-store';
import { Injectable } from '@nestjs/common';
import type { CommandMeta, CommandResult } from '../commands/command-meta';
import { DealCommands } from './deal-commands';
import { LeadCommands } from './lead-commands';

/** Namespaces of the note and activity ids derived from idempotency keys, so that a keyed retry names the same one. */
const NOTE_FROM_KEY_NAMESPACE = '0308cd91-d305-4e6a-9a4a-d0c957fa77a8';
const ACTIVITY_FROM_KEY_NAMESPACE = 'c4a610cd-d973-46ec-8506-62f516c30918';

export interface NoteInput {
  readonly text: string;
}

export interface ScheduleActivityInput {
  /** The client's own id for the activity; made here when absent. */
  readonly activityId?: string;
  readonly type: string;
  readonly subject: string;
  readonly dueAt: string;
  readonly assignee?: string;
}

export interface CompleteActivityInput {
  readonly outcome?: string;
  readonly note?: string;
}

export interface RescheduleActivityInput {
  readonly dueAt: string;
}

export interface CancelActivityInput {
  readonly reason?: string;
}

/**
 * A new note or activity's id: derived from the request's Idempotency-Key (scoped to the lead's or deal's
 * stream, like the key itself) when it has one, so that a retry lands on the same id; else a new one.
 */
function newId(namespace: string, streamId: string, meta: CommandMeta): string {
  return meta.idempotency
    ? nameBasedUuid(namespace, `${streamId}/${meta.idempotency.key}`)
    : timeOrderedUuid();
}

/**
 * The interactions a lead or a deal takes, as the domain asks for them: the rules are the domain's, the
 * ids of new notes and activities are made here.
 */
const interactionRequests = {
  note: (streamId: string, input: NoteInput, meta: CommandMeta): Interaction => ({
    type: 'AddNote',
    noteId: newId(NOTE_FROM_KEY_NAMESPACE, streamId, meta),
    text: input.text,
  }),
  schedule: (streamId: string, input: ScheduleActivityInput, meta: CommandMeta): Interaction => ({
    type: 'ScheduleActivity',
    activityId: input.activityId?.toLowerCase() ?? newId(ACTIVITY_FROM_KEY_NAMESPACE, streamId, meta),
    activityType: input.type,
    subject: input.subject,
    dueAt: input.dueAt,
    ...(input.assignee === undefined ? {} : { assignee: input.assignee }),
  }),
  complete: (activityId: string, input: CompleteActivityInput): Interaction => ({
    type: 'CompleteActivity',
    activityId,
    ...input,
  }),
  reschedule: (activityId: string, input: RescheduleActivityInput): Interaction => ({
    type: 'RescheduleActivity',
    activityId,
    dueAt: input.dueAt,
  }),
  cancel: (activityId: string, input: CancelActivityInput): Interaction => ({
    type: 'CancelActivity',
    activityId,
    ...input,
  }),
};

/** A command's answer naming the note or activity it concerns rather than the lead or deal. */
function answerFor(interaction: Interaction, result: CommandResult): CommandResult {
  return { ...result, id: interaction.type === 'AddNote' ? interaction.noteId : interaction.activityId };
}

/** The lead or the deal an interaction is recorded on. */
export interface InteractionTarget {
  readonly kind: 'lead' | 'deal';
  readonly id: string;
}

/** Notes and activities, on a lead or on a deal alike: each use case once, recorded in the target's stream. */
@Injectable()
export class InteractionCommands {
  constructor(
    private readonly leads: LeadCommands,
    private readonly deals: DealCommands,
  ) {}

  addNote(target: InteractionTarget, input: NoteInput, meta: CommandMeta) {
    return this.record(target, meta, interactionRequests.note(streamOf(target), input, meta));
  }

  scheduleActivity(target: InteractionTarget, input: ScheduleActivityInput, meta: CommandMeta) {
    return this.record(target, meta, interactionRequests.schedule(streamOf(target), input, meta));
  }

  completeActivity(
    target: InteractionTarget,
    activityId: string,
    input: CompleteActivityInput,
    meta: CommandMeta,
  ) {
    return this.record(target, meta, interactionRequests.complete(activityId, input));
  }

  rescheduleActivity(
    target: InteractionTarget,
    activityId: string,
    input: RescheduleActivityInput,
    meta: CommandMeta,
  ) {
    return this.record(target, meta, interactionRequests.reschedule(activityId, input));
  }

  cancelActivity(
    target: InteractionTarget,
    activityId: string,
    input: CancelActivityInput,
    meta: CommandMeta,
  ) {
    return this.record(target, meta, interactionRequests.cancel(activityId, input));
  }

  /** Answers with the id of the note or activity. */
  private async record(
    target: InteractionTarget,
    meta: CommandMeta,
    interaction: Interaction,
  ): Promise<CommandResult> {
    const result =
      target.kind === 'lead'
        ? await this.leads.recordInteraction(target.id, interaction, meta)
        : await this.deals.recordInteraction(target.id, interaction, meta);
    return answerFor(interaction, result);
  }
}

const streamOf = (target: InteractionTarget): string =>
  target.kind === 'lead' ? leadStream(target.id) : dealStream(target.id);

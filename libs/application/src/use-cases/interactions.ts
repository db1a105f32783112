import { type Interaction, nameBasedUuid } from '@app/domain';
import { timeOrderedUuid } from '@app/event-store';
import type { CommandMeta, CommandResult } from '../commands/command-meta';

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
export const interactionRequests = {
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
export function answerFor(interaction: Interaction, result: CommandResult): CommandResult {
  return { ...result, id: interaction.type === 'AddNote' ? interaction.noteId : interaction.activityId };
}

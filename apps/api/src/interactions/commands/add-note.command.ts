import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { AddNoteDto } from '../dto/add-note.dto';
import type { InteractionTarget } from '@app/application';

export class AddNoteCommand extends Command<CommandResult> {
  constructor(
    readonly target: InteractionTarget,
    readonly input: AddNoteDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

import { InteractionCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AddNoteCommand } from './add-note.command';

@CommandHandler(AddNoteCommand)
export class AddNoteHandler implements ICommandHandler<AddNoteCommand> {
  constructor(private readonly interactions: InteractionCommands) {}

  execute({ target, input, meta }: AddNoteCommand) {
    return this.interactions.addNote(target, input, meta);
  }
}

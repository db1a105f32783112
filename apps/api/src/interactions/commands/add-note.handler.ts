import { DealCommands, LeadCommands } from '@app/application';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AddNoteCommand } from './add-note.command';
import { useCasesFor } from './interaction-target';

@CommandHandler(AddNoteCommand)
export class AddNoteHandler implements ICommandHandler<AddNoteCommand> {
  constructor(
    private readonly leads: LeadCommands,
    private readonly deals: DealCommands,
  ) {}

  execute({ target, input, meta }: AddNoteCommand) {
    return useCasesFor(target, this.leads, this.deals).addNote(target.id, input, meta);
  }
}

import type { CommandMeta, CommandResult, PersonalDataExport } from '@app/application';
import { Command, Query } from '@nestjs/cqrs';
import type { EraseLeadDto } from './personal-data.views';

export class EraseLeadCommand extends Command<CommandResult> {
  constructor(
    readonly leadId: string,
    readonly input: EraseLeadDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

export class GetPersonalDataQuery extends Query<PersonalDataExport> {
  constructor(readonly leadId: string) {
    super();
  }
}

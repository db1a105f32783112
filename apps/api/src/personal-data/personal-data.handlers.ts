import { PersonalDataCommands } from '@app/application';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EraseLeadCommand, GetPersonalDataQuery } from './personal-data.messages';

@CommandHandler(EraseLeadCommand)
export class EraseLeadHandler implements ICommandHandler<EraseLeadCommand> {
  constructor(private readonly personalData: PersonalDataCommands) {}

  execute({ leadId, input, meta }: EraseLeadCommand) {
    return this.personalData.erase(leadId, input, meta);
  }
}

@QueryHandler(GetPersonalDataQuery)
export class GetPersonalDataHandler implements IQueryHandler<GetPersonalDataQuery> {
  constructor(private readonly personalData: PersonalDataCommands) {}

  execute({ leadId }: GetPersonalDataQuery) {
    return this.personalData.export(leadId);
  }
}

import type { CommandMeta } from '@app/application';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access-policy';
import { CommandResultDto } from '../http/command-result.dto';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { RequestMeta } from '../http/request-meta.decorator';
import { UuidPipe } from '../http/uuid.pipe';
import { EraseLeadCommand, GetPersonalDataQuery } from './personal-data.messages';
import { EraseLeadDto, PersonalDataView } from './personal-data.views';

/** A person's rights over their data (GDPR Art. 15, 17 and 20): for admins only. */
@ApiTags('personal data')
@Controller('leads')
export class PersonalDataController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':leadId/erase')
  @ApiOperation({
    operationId: 'eraseLead',
    summary: "Erase a lead's personal data (crypto-shredding)",
    description:
      "Destroys the person's data key, appends LeadErased (with the reason, no personal data) and purges every " +
      'read model. From then on no endpoint, history, as-of view, event stream page or export shows their name, ' +
      'email, phone, company or the title of their deal: they read null, and views say `erased: { at, reason }`. ' +
      'The log keeps every event (sealed), so its hashes and proofs still verify. The lead takes no more changes. ' +
      'A lead captured before personal data was sealed is refused (409 PERSONAL_DATA_NOT_SEALED) until the log ' +
      'is sealed with `npm run personal-data:seal`.',
  })
  @Allow('privacy')
  @HttpCode(200)
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The personal data is erased' })
  erase(
    @Param('leadId', UuidPipe) leadId: string,
    @Body() body: EraseLeadDto,
    @RequestMeta() meta: CommandMeta,
  ) {
    return this.commands.execute(new EraseLeadCommand(leadId, body, meta));
  }

  @Get(':leadId/personal-data')
  @ApiOperation({
    operationId: 'getPersonalData',
    summary: 'Everything the service holds about a person, as JSON (GDPR Art. 15 and 20)',
  })
  @Allow('privacy')
  @QueryDocs()
  @ApiOkResponse({ type: PersonalDataView, description: "The person's data, and whether it was erased" })
  export(@Param('leadId', UuidPipe) leadId: string) {
    return this.queries.execute(new GetPersonalDataQuery(leadId));
  }
}

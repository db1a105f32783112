import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '@app/application';
import { Allow } from '../access/access-policy';
import { CommandResultDto } from '../http/command-result.dto';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { AsOfQueryDto, toMoment } from '../http/query-fields';
import { RequestMeta } from '../http/request-meta.decorator';
import { UuidPipe } from '../http/uuid.pipe';
import { DefineScoringRulesCommand } from './commands/define-scoring-rules.command';
import { ScoringRulesDto } from './dto/scoring-rules.dto';
import { GetLeadScoreQuery } from './queries/get-lead-score.query';
import { GetScoringRulesQuery } from './queries/get-scoring-rules.query';
import { LeadScoreView, ScoringRulesView } from './scoring.views';

/**
 * Lead scoring: the rule set is configuration in the log (one stream, scoring-rules), so that every score
 * can be explained and recomputed as of any moment; a default rule set is in effect until one is defined.
 */
@ApiTags('scoring')
@Controller()
export class ScoringController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put('scoring/rules')
  @ApiOperation({
    operationId: 'defineScoringRules',
    summary: 'Define the rule set every lead is scored with',
    description:
      'The whole rule set, which replaces the one in effect for every lead, past interactions included: lists ' +
      'and reports show the new scores once the lead list is rebuilt from the log (wait with the position ' +
      'answered as minPosition). The answer is { id: "scoring-rules", revision, position }; the rule set in ' +
      'effect sent again changes nothing and answers where the stream stands. A rule set the rules refuse is ' +
      '400 INVALID_SCORING_RULES naming the field (fit[2].equals...).',
  })
  @Allow('configuration')
  @CommandDocs()
  @ApiOkResponse({ type: CommandResultDto, description: 'The rule set is in effect; id is scoring-rules' })
  define(@Body() body: ScoringRulesDto, @RequestMeta() meta: CommandMeta) {
    return this.commands.execute(new DefineScoringRulesCommand(body, meta));
  }

  @Get('scoring/rules')
  @ApiOperation({
    operationId: 'getScoringRules',
    summary: 'The rule set in effect, or the one in effect at a past moment (asOf)',
  })
  @Allow('reads', { asOf: 'histories' })
  @QueryDocs()
  @ApiOkResponse({
    type: ScoringRulesView,
    description: 'The rule set with its version; ETag holds the revision of its stream (-1: the default)',
  })
  rules(@Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetScoringRulesQuery(toMoment(query.asOf)));
  }

  @Get('leads/:leadId/score')
  @ApiOperation({
    operationId: 'getLeadScore',
    summary: "A lead's score and every rule that made it, now or at a past moment (asOf)",
    description:
      "Computed from the lead's own events and the rule set in effect at the moment (asOf: the rule set and " +
      'the events of then); engagement points decay to that moment',
  })
  @Allow('reads', { asOf: 'histories' })
  @QueryDocs()
  @ApiOkResponse({
    type: LeadScoreView,
    description: 'The score, its fit and engagement parts, band and rules',
  })
  score(@Param('leadId', UuidPipe) leadId: string, @Query() query: AsOfQueryDto) {
    return this.queries.execute(new GetLeadScoreQuery(leadId, toMoment(query.asOf)));
  }
}

import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { DefineScoringRulesHandler } from './commands/define-scoring-rules.handler';
import { GetLeadScoreHandler } from './queries/get-lead-score.handler';
import { GetScoringRulesHandler } from './queries/get-scoring-rules.handler';
import { ScoringController } from './scoring.controller';

/** Lead scoring: the rule set (configuration in the log) and each lead's score explained. */
@Module({
  imports: [CommandsModule],
  controllers: [ScoringController],
  providers: [DefineScoringRulesHandler, GetScoringRulesHandler, GetLeadScoreHandler],
})
export class ScoringModule {}

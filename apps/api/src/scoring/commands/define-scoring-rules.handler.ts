import { ScoringCommands } from '@app/application';
import type { ScoringRules } from '@app/domain';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DefineScoringRulesCommand } from './define-scoring-rules.command';

@CommandHandler(DefineScoringRulesCommand)
export class DefineScoringRulesHandler implements ICommandHandler<DefineScoringRulesCommand> {
  constructor(private readonly scoring: ScoringCommands) {}

  execute({ input, meta }: DefineScoringRulesCommand) {
    // The DTO checked the shape; the domain checks the rules (one matcher per fit rule, unique names...).
    return this.scoring.define(input as ScoringRules, meta);
  }
}

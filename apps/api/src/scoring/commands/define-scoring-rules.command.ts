import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { ScoringRulesDto } from '../dto/scoring-rules.dto';

export class DefineScoringRulesCommand extends Command<CommandResult> {
  constructor(
    readonly input: ScoringRulesDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { MoveDealToPipelineDto } from '../dto/move-deal-to-pipeline.dto';

export class MoveDealToPipelineCommand extends Command<CommandResult> {
  constructor(
    readonly dealId: string,
    readonly input: MoveDealToPipelineDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

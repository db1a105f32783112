import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { CompleteActivityDto } from '../dto/complete-activity.dto';
import type { InteractionTarget } from '@app/application';

export class CompleteActivityCommand extends Command<CommandResult> {
  constructor(
    readonly target: InteractionTarget,
    readonly activityId: string,
    readonly input: CompleteActivityDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { CancelActivityDto } from '../dto/cancel-activity.dto';
import type { InteractionTarget } from '@app/application';

export class CancelActivityCommand extends Command<CommandResult> {
  constructor(
    readonly target: InteractionTarget,
    readonly activityId: string,
    readonly input: CancelActivityDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

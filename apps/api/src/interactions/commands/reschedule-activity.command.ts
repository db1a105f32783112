import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { RescheduleActivityDto } from '../dto/reschedule-activity.dto';
import type { InteractionTarget } from '@app/application';

export class RescheduleActivityCommand extends Command<CommandResult> {
  constructor(
    readonly target: InteractionTarget,
    readonly activityId: string,
    readonly input: RescheduleActivityDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

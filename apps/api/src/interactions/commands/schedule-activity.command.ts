import { Command } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '@app/application';
import type { ScheduleActivityDto } from '../dto/schedule-activity.dto';
import type { InteractionTarget } from '@app/application';

export class ScheduleActivityCommand extends Command<CommandResult> {
  constructor(
    readonly target: InteractionTarget,
    readonly input: ScheduleActivityDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

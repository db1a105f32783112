import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { ReportReader } from '../analytics/report-reader';
import { AddNoteHandler } from './commands/add-note.handler';
import { CancelActivityHandler } from './commands/cancel-activity.handler';
import { CompleteActivityHandler } from './commands/complete-activity.handler';
import { RescheduleActivityHandler } from './commands/reschedule-activity.handler';
import { ScheduleActivityHandler } from './commands/schedule-activity.handler';
import {
  ActivitiesController,
  DealInteractionsController,
  LeadInteractionsController,
} from './interactions.controller';
import { ListActivitiesHandler } from './queries/list-activities.handler';

/** Notes and activities on leads and deals, and the follow-up list. */
@Module({
  imports: [CommandsModule],
  controllers: [LeadInteractionsController, DealInteractionsController, ActivitiesController],
  providers: [
    AddNoteHandler,
    ScheduleActivityHandler,
    CompleteActivityHandler,
    RescheduleActivityHandler,
    CancelActivityHandler,
    ListActivitiesHandler,
    ReportReader,
  ],
})
export class InteractionsModule {}

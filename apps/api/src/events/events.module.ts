import { AccessModule } from '@app/application';
import { Module } from '@nestjs/common';
import { EVENT_STREAM_SETTINGS, loadEventStreamSettings } from './event-stream.settings';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

/** GET /events: the log for other services, as SSE or JSON pages. */
@Module({
  imports: [AccessModule],
  controllers: [EventsController],
  providers: [
    EventsService,
    { provide: EVENT_STREAM_SETTINGS, useFactory: () => loadEventStreamSettings(process.env) },
  ],
})
export class EventsModule {}

import { AccessModule } from '@app/application';
import { Module } from '@nestjs/common';
import { EVENT_STREAM_SETTINGS, loadEventStreamSettings } from './event-stream.settings';
import { ChangesController } from './changes.controller';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

/** GET /events: the log for other services, as SSE or JSON pages; GET /changes: notices for readers. */
@Module({
  imports: [AccessModule],
  controllers: [EventsController, ChangesController],
  providers: [
    EventsService,
    { provide: EVENT_STREAM_SETTINGS, useFactory: () => loadEventStreamSettings(process.env) },
  ],
})
export class EventsModule {}

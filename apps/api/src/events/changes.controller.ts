import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../access/access-policy';
import { KeyDocs } from '../http/openapi-docs';
import { Optional, POSITION_PATTERN } from '../http/fields';
import { Matches } from 'class-validator';
import { CHANGE_EVENT } from './event-selection';
import { lastEventIdOf } from './events.controller';
import { EventsService } from './events.service';

export class ChangesQueryDto {
  @ApiProperty({
    type: String,
    required: false,
    pattern: POSITION_PATTERN.source,
    description:
      'Start strictly after this log position; without it, only the events appended after the request. A ' +
      'Last-Event-ID header wins over it.',
    example: '1042',
  })
  @Optional()
  @Matches(POSITION_PATTERN, { message: '$property must be a log position (digits)' })
  after?: string;
}

/**
 * GET /changes: that something changed, for any reader to refresh what it shows (the dashboard). The notices
 * say where (stream), what (event type) and the position to read at, never an event's data: readers without
 * the events role learn nothing their lists and views would not show them.
 */
@ApiTags('events')
@Controller('changes')
export class ChangesController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Allow('reads')
  @ApiOperation({
    operationId: 'followChanges',
    summary: 'Notices of new events, as Server-Sent Events: to refresh a view, not to consume the log',
    description:
      `One SSE message per event appended after the request: \`id:\` its position, \`event: ${CHANGE_EVENT}\`, ` +
      '`data:` `{ position, streamId, type }`. Pass the position as minPosition to read what the event changed. ' +
      'The same limits as GET /events (streams per key and in all).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume strictly after this position' })
  @ApiOkResponse({
    description: 'The stream of notices',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example: `id: 1042\nevent: ${CHANGE_EVENT}\ndata: {"position":"1042","streamId":"deal-…","type":"DealWon"}\n\n`,
        },
      },
    },
  })
  @KeyDocs()
  async follow(
    @Query() query: ChangesQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const after =
      lastEventIdOf(request) ?? (query.after === undefined ? await this.events.head() : BigInt(query.after));
    this.events.serve(request, reply, after, { noticesOnly: true });
  }
}

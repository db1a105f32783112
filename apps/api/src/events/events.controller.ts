import { START, type Position } from '@app/event-store';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { showsPersonalData } from '../access/personal-data';
import { ProblemException, problemType } from '../http/problem';
import { EventPageDto } from './event-message.dto';
import type { EventSelection } from './event-selection';
import { CLOSED_EVENT } from './event-stream.connection';
import { POSITION_PATTERN } from '../http/fields';
import { EventsQueryDto, typesOf } from './events-query.dto';
import { PAGE_SCAN_LIMIT, EventsService } from './events.service';
import { Allow } from '../access/access-policy';

type Representation = 'stream' | 'page';

const problemResponse = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Allow('events')
  @ApiOperation({
    operationId: 'readEvents',
    summary: 'The event log, as a Server-Sent Events stream or as pages of JSON',
    description:
      'With Accept: text/event-stream (or none): one SSE message per event, `id:` its position, `event:` its type, ' +
      '`data:` the event as JSON; in log order, without gaps or duplicates; the events already in the log first, ' +
      'then each new one as it is appended; `: heartbeat` comment lines keep an idle connection open. A ' +
      'reconnecting EventSource sends Last-Event-ID and resumes after it. When the server ends a stream (a ' +
      `client that does not read, a shutdown) it first sends \`event: ${CLOSED_EVENT}\` with the reason.\n\n` +
      'With Accept: application/json: a page `{ events, nextAfter }`; pass nextAfter as `after` for the next ' +
      `one. A page looks at ${PAGE_SCAN_LIMIT} events at most, so with filters it may hold fewer than limit ` +
      '(even none) while more follow: the end of the log is reached when nextAfter no longer moves.',
  })
  @ApiProduces('text/event-stream', 'application/json')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description:
      'Sent by a reconnecting EventSource: resume strictly after this position (wins over from and after). ' +
      'For the stream only: pages go by `after`.',
  })
  @ApiExtraModels(EventPageDto)
  @ApiOkResponse({
    description: 'The stream (text/event-stream) or a page (application/json)',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example:
            'id: 1042\nevent: DealWon\ndata: {"streamId":"deal-…","revision":4,"position":"1042","type":"DealWon",' +
            '"data":{…},"metadata":{…}}\n\n',
        },
      },
      'application/json': { schema: { $ref: getSchemaPath(EventPageDto) } },
    },
  })
  @problemResponse(400, 'A bad parameter or Last-Event-ID')
  @problemResponse(406, 'Accept names neither text/event-stream nor application/json')
  @problemResponse(
    429,
    'TOO_MANY_STREAMS_FOR_KEY: the key holds SSE_MAX_PER_KEY streams already (Retry-After); or a rate limit',
  )
  @problemResponse(503, 'TOO_MANY_STREAMS: the service holds SSE_MAX_CONNECTIONS streams (Retry-After)')
  async read(
    @Query() query: EventsQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const representation = negotiate(request.headers.accept);
    const selection: EventSelection = {
      ...(query.types === undefined ? {} : { types: new Set(typesOf(query.types)) }),
      ...(query.category === undefined ? {} : { category: query.category }),
      maskPersonalData: !showsPersonalData(request),
    };
    if (representation === 'page') {
      const page = await this.events.page(await this.startOf(query), selection, query.limit ?? 100);
      void reply.send(page);
      return;
    }
    if (query.limit !== undefined) {
      throw ProblemException.badRequest('limit is for pages (Accept: application/json), not for the stream', [
        { field: 'limit', reason: 'only with Accept: application/json' },
      ]);
    }
    const after = await this.startOf(query, lastEventIdOf(request));
    this.events.serve(request, reply, after, selection);
  }

  /** Last-Event-ID wins over `after`, which excludes `from`; `from=end` is the head as the request is served. */
  private async startOf(query: EventsQueryDto, lastEventId?: Position): Promise<Position> {
    if (query.after !== undefined && query.from !== undefined) {
      throw ProblemException.badRequest('after and from exclude each other', [
        { field: 'after', reason: 'cannot be combined with from' },
      ]);
    }
    if (lastEventId !== undefined) return lastEventId;
    if (query.after !== undefined) return BigInt(query.after);
    return query.from === 'end' ? this.events.head() : START;
  }
}

/** An empty Last-Event-ID is what a client that has received no id yet may send: the same as none. */
export function lastEventIdOf(request: FastifyRequest): Position | undefined {
  const value = request.headers['last-event-id'];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !POSITION_PATTERN.test(value)) {
    throw ProblemException.badRequest('the Last-Event-ID header is malformed', [
      { field: 'Last-Event-ID', reason: 'must be a log position (digits), the id of an event received' },
    ]);
  }
  return BigInt(value);
}

/**
 * The stream for text/event-stream, no Accept or a wildcard; a page for application/json. Each is weighed
 * by the q of the most specific range that matches it; a tie goes to the stream.
 */
function negotiate(accept: string | undefined): Representation {
  if (accept === undefined || accept.trim() === '') return 'stream';
  const ranges = accept.split(',').map((range) => {
    const [media = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((p) => p.startsWith('q='));
    return { media, q: q === undefined ? 1 : Number(q.slice(2)) };
  });
  const quality = (type: string): number => {
    const wildcard = `${type.split('/')[0]}/*`;
    let best = { specificity: -1, q: 0 };
    for (const { media, q } of ranges) {
      const specificity = media === type ? 2 : media === wildcard ? 1 : media === '*/*' ? 0 : -1;
      if (specificity > best.specificity) best = { specificity, q: Number.isNaN(q) ? 0 : q };
    }
    return best.q;
  };
  const stream = quality('text/event-stream');
  const page = quality('application/json');
  if (stream <= 0 && page <= 0) {
    throw new ProblemException({
      type: problemType('not-acceptable'),
      title: 'Not acceptable',
      status: 406,
      detail: 'GET /events answers text/event-stream (the stream) or application/json (a page)',
      code: 'NOT_ACCEPTABLE',
    });
  }
  return page > stream ? 'page' : 'stream';
}

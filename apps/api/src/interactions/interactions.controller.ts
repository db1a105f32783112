import { Body, Controller, Get, HttpCode, Param, Post, Query, type Type } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '@app/application';
import { Allow } from '../access/access-policy';
import { CommandResultDto } from '../http/command-result.dto';
import { MinPosition } from '../http/min-position.decorator';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { ListActivitiesQueryDto, toMoment } from '../http/query-fields';
import { RequestMeta } from '../http/request-meta.decorator';
import { UuidPipe } from '../http/uuid.pipe';
import { ActivityPageView } from './activity.view';
import { AddNoteCommand } from './commands/add-note.command';
import { CancelActivityCommand } from './commands/cancel-activity.command';
import { CompleteActivityCommand } from './commands/complete-activity.command';
import type { InteractionTarget } from '@app/application';
import { RescheduleActivityCommand } from './commands/reschedule-activity.command';
import { ScheduleActivityCommand } from './commands/schedule-activity.command';
import { AddNoteDto } from './dto/add-note.dto';
import { CancelActivityDto } from './dto/cancel-activity.dto';
import { CompleteActivityDto } from './dto/complete-activity.dto';
import { RescheduleActivityDto } from './dto/reschedule-activity.dto';
import { ScheduleActivityDto } from './dto/schedule-activity.dto';
import { ListActivitiesQuery } from './queries/list-activities.query';

const ACTIVITY_ID = 'activityId';

/**
 * The interaction routes of leads or of deals (/leads/{leadId}/notes, /deals/{dealId}/activities/...): the
 * same on both, written once. Answers name the note or activity (`id`), with the lead's or deal's revision
 * and the log position.
 */
function interactionsController(kind: InteractionTarget['kind']): Type<unknown> {
  const Kind = kind === 'lead' ? 'Lead' : 'Deal';
  const idParam = `${kind}Id`;
  const target = (id: string): InteractionTarget => ({ kind, id });

  @ApiTags('interactions')
  @Controller(`${kind}s/:${idParam}`)
  class InteractionsController {
    constructor(readonly commands: CommandBus) {}

    @Post('notes')
    @ApiOperation({ operationId: `add${Kind}Note`, summary: `Add a note to a ${kind}` })
    @Allow('commands')
    @CommandDocs()
    @ApiCreatedResponse({
      type: CommandResultDto,
      description: `The note was added (${Kind}NoteAdded); id is the note's`,
    })
    addNote(
      @Param(idParam, UuidPipe) id: string,
      @Body() body: AddNoteDto,
      @RequestMeta() meta: CommandMeta,
    ) {
      return this.commands.execute(new AddNoteCommand(target(id), body, meta));
    }

    @Post('activities')
    @ApiOperation({
      operationId: `schedule${Kind}Activity`,
      summary: `Schedule an activity (a call, meeting, email or task) on a ${kind}`,
      description:
        kind === 'lead'
          ? 'Not on a disqualified lead (409 LEAD_ALREADY_DISQUALIFIED); an activityId it has already is 409'
          : 'Not on a won or lost deal (409 DEAL_ALREADY_CLOSED); an activityId it has already is 409',
    })
    @Allow('commands')
    @CommandDocs()
    @ApiCreatedResponse({
      type: CommandResultDto,
      description: `The activity was scheduled (${Kind}ActivityScheduled); id is the activity's`,
    })
    schedule(
      @Param(idParam, UuidPipe) id: string,
      @Body() body: ScheduleActivityDto,
      @RequestMeta() meta: CommandMeta,
    ) {
      return this.commands.execute(new ScheduleActivityCommand(target(id), body, meta));
    }

    @Post(`activities/:${ACTIVITY_ID}/complete`)
    @ApiOperation({
      operationId: `complete${Kind}Activity`,
      summary: `Complete an open activity of a ${kind}`,
      description: `Also once the ${kind} is ${kind === 'lead' ? 'disqualified' : 'closed'}; 409 ACTIVITY_NOT_OPEN once done or cancelled, 404 ACTIVITY_NOT_FOUND for an activity the ${kind} does not have`,
    })
    @Allow('commands')
    @HttpCode(200)
    @CommandDocs()
    @ApiOkResponse({
      type: CommandResultDto,
      description: `The activity is done (${Kind}ActivityCompleted); id is the activity's`,
    })
    complete(
      @Param(idParam, UuidPipe) id: string,
      @Param(ACTIVITY_ID, UuidPipe) activityId: string,
      @Body() body: CompleteActivityDto,
      @RequestMeta() meta: CommandMeta,
    ) {
      return this.commands.execute(new CompleteActivityCommand(target(id), activityId, body, meta));
    }

    @Post(`activities/:${ACTIVITY_ID}/reschedule`)
    @ApiOperation({
      operationId: `reschedule${Kind}Activity`,
      summary: `Move an open activity of a ${kind} to another due time`,
      description: `Not once the ${kind} is ${kind === 'lead' ? 'disqualified' : 'closed'} (409); the due time it has already records nothing`,
    })
    @Allow('commands')
    @HttpCode(200)
    @CommandDocs()
    @ApiOkResponse({
      type: CommandResultDto,
      description: `The activity is due at the new time (${Kind}ActivityRescheduled); id is the activity's`,
    })
    reschedule(
      @Param(idParam, UuidPipe) id: string,
      @Param(ACTIVITY_ID, UuidPipe) activityId: string,
      @Body() body: RescheduleActivityDto,
      @RequestMeta() meta: CommandMeta,
    ) {
      return this.commands.execute(new RescheduleActivityCommand(target(id), activityId, body, meta));
    }

    @Post(`activities/:${ACTIVITY_ID}/cancel`)
    @ApiOperation({
      operationId: `cancel${Kind}Activity`,
      summary: `Cancel an open activity of a ${kind}`,
      description: `Also once the ${kind} is ${kind === 'lead' ? 'disqualified' : 'closed'}`,
    })
    @Allow('commands')
    @HttpCode(200)
    @CommandDocs()
    @ApiOkResponse({
      type: CommandResultDto,
      description: `The activity was cancelled (${Kind}ActivityCancelled); id is the activity's`,
    })
    cancel(
      @Param(idParam, UuidPipe) id: string,
      @Param(ACTIVITY_ID, UuidPipe) activityId: string,
      @Body() body: CancelActivityDto,
      @RequestMeta() meta: CommandMeta,
    ) {
      return this.commands.execute(new CancelActivityCommand(target(id), activityId, body, meta));
    }
  }
  return InteractionsController;
}

export const LeadInteractionsController = interactionsController('lead');
export const DealInteractionsController = interactionsController('deal');

@ApiTags('interactions')
@Controller('activities')
export class ActivitiesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'listActivities',
    summary: 'The follow-up list: activities of leads and deals, earliest due first, a page at a time',
    description:
      "Filters combine. due is relative to the list's moment (now, or asOf), in UTC: overdue = open and due " +
      "before that moment; today = due within that moment's UTC day; week = due from the start of that UTC day " +
      'to 7 days later. Ties on the due time are ordered by activityId.',
  })
  @Allow('reads', { asOf: 'histories' })
  @QueryDocs()
  @ApiOkResponse({
    type: ActivityPageView,
    description: 'A page of activities, earliest due first, with nextCursor for the next page',
  })
  list(@Query() filters: ListActivitiesQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(
      new ListActivitiesQuery(filters, { asOf: toMoment(filters.asOf), minPosition }),
    );
  }
}

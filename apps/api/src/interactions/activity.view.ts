import { ACTIVITY_TYPES, type Interactions, nextActivityOf } from '@app/domain';
import type { ActivityDoc } from '@app/read-models';
import { ApiProperty } from '@nestjs/swagger';

/** The open activity due first on a lead or a deal. */
export class NextActivityView {
  @ApiProperty({ format: 'uuid' }) activityId!: string;
  @ApiProperty({ enum: ACTIVITY_TYPES }) type!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Who should do it; null: nobody yet' })
  assignee!: string | null;
}

/** What lead and deal views show of their interactions. */
export interface FollowUps {
  readonly lastActivityAt: string | null;
  readonly nextActivity: NextActivityView | null;
}

/** The last note or completed activity, and the open activity due first (ties by id). */
export function followUpsOf(interactions: Interactions): FollowUps {
  const next = nextActivityOf(interactions);
  return {
    lastActivityAt: interactions.lastActivityAt,
    nextActivity: next && {
      activityId: next.activityId,
      type: next.type,
      subject: next.subject,
      dueAt: next.dueAt,
      assignee: next.assignee,
    },
  };
}

/** The OpenAPI description of a view's `lastActivityAt`. */
export const LAST_ACTIVITY_AT = {
  type: String,
  format: 'date-time',
  nullable: true,
  description: 'The last note or completed activity; null before the first',
} as const;

/** The OpenAPI description of a view's `nextActivity`. */
export const NEXT_ACTIVITY = {
  type: NextActivityView,
  nullable: true,
  description: 'The open activity due first (ties by activityId); null when none is open',
} as const;

/** An activity in the follow-up list (GET /activities). */
export class ActivityView {
  @ApiProperty({ format: 'uuid' }) activityId!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The lead it was scheduled on; null for an activity of a deal',
  })
  leadId!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The deal it was scheduled on; null for an activity of a lead',
  })
  dealId!: string | null;
  @ApiProperty({ enum: ACTIVITY_TYPES }) type!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Who should do it; null: nobody yet' })
  assignee!: string | null;
  @ApiProperty({ enum: ['open', 'done', 'cancelled'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) scheduledAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What came of it, once done' })
  outcome!: string | null;
}

export const toActivityView = (doc: ActivityDoc): ActivityView => ({
  activityId: doc.activityId,
  leadId: doc.leadId,
  dealId: doc.dealId,
  type: doc.type,
  subject: doc.subject,
  dueAt: doc.dueAt,
  assignee: doc.assignee,
  status: doc.status,
  scheduledAt: doc.scheduledAt,
  completedAt: doc.completedAt,
  cancelledAt: doc.cancelledAt,
  outcome: doc.outcome,
});

export class ActivityPageView {
  @ApiProperty({ type: [ActivityView] }) items!: ActivityView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}

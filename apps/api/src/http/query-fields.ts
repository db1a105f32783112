import { BANDS, type Band, isCalendarDate } from '@app/domain';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min, ValidateBy } from 'class-validator';
import { Count, OneOf, Optional, POSITION_PATTERN, Slug, Text, Uuid } from './fields';

const INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))?)?$/;

/** A date, or a date and time with an optional offset (UTC without one), that exists: no 2026-02-30, no 24:00. */
export function isInstant(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  if (!match || !isCalendarDate(match[1]!)) return false;
  const [hours, minutes, seconds, offsetHours, offsetMinutes] = match
    .slice(2)
    .map((part) => Number(part ?? 0));
  return hours! < 24 && minutes! < 60 && seconds! < 60 && offsetHours! < 24 && offsetMinutes! < 60;
}

/** The moment a valid instant parameter names; a time without an offset is UTC, whatever the server's zone. */
export const toMoment = (value: string | undefined): Date | undefined =>
  value === undefined ? undefined : new Date(/T[^Z+-]*$/.test(value) ? `${value}Z` : value);

export const Instant = (description: string) =>
  applyDecorators(
    ApiProperty({ type: String, format: 'date-time', required: false, description }),
    Optional(),
    ValidateBy({
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: () => '$property must be an ISO 8601 date or date-time, such as 2026-03-31T00:00:00Z',
      },
    }),
  );

/** Parameters every query accepts. */
export class ReadQueryDto {
  @ApiProperty({
    type: String,
    required: false,
    pattern: POSITION_PATTERN.source,
    description:
      'Answer only once the read models include this log position (read-your-writes); also X-Min-Position',
  })
  @Optional()
  @Matches(POSITION_PATTERN, { message: '$property must be a log position (digits)' })
  minPosition?: string;
}

class PageQueryDto extends ReadQueryDto {
  @Count(1, 100, 20)
  limit?: number;

  @ApiProperty({ type: String, required: false, description: 'nextCursor of the previous page' })
  @Optional()
  @Matches(/^[A-Za-z0-9_-]{1,500}$/, { message: '$property must be a nextCursor this API gave' })
  cursor?: string;
}

export class ListLeadsQueryDto extends PageQueryDto {
  @OneOf(['captured', 'qualified', 'disqualified'], { optional: true })
  status?: string;

  @Slug({ optional: true })
  source?: string;

  @Slug({ optional: true })
  tag?: string;

  @Text(200, { optional: true, description: 'Leads of this owner' })
  owner?: string;

  @Text(320, {
    optional: true,
    description:
      'Leads with this email (trimmed, lower-case: duplicate detection), newest first, on one page; the other ' +
      'filters narrow it. Matched on a keyed digest of the address: the service keeps no index of addresses. ' +
      'Only for keys that see personal data (403 ROLE_REQUIRED for the others).',
  })
  email?: string;

  @ApiProperty({
    type: 'integer',
    required: false,
    minimum: -1_000_000_000,
    maximum: 1_000_000_000,
    description: "Only leads whose score at the list's moment is at least this",
  })
  @Optional()
  @Type(() => Number)
  @IsInt({ message: '$property must be a whole number' })
  @Min(-1_000_000_000, { message: '$property must be a whole number from -1000000000 to 1000000000' })
  @Max(1_000_000_000, { message: '$property must be a whole number from -1000000000 to 1000000000' })
  minScore?: number;

  @OneOf(BANDS, {
    optional: true,
    description:
      "Only leads in this band at the list's moment, by the thresholds of the lead list's rule set",
  })
  band?: Band;

  @OneOf(['newest', 'score'], {
    optional: true,
    description:
      "newest (default): by capture time, newest first. score: by score at the list's moment, highest first, " +
      'equal scores by fit (highest first), then by leadId descending. Scores are those of the rule set the lead list was built with, at the moment ' +
      'of the first page: the cursor keeps that moment, so that every page of a list is one ranking. A later ' +
      'page of a list by score is found again from the top (a cost that grows with the depth of the page); ' +
      'with minScore or band, the list newest first reads leads in chunks until a page is full (a cost that ' +
      'grows with the leads it passes over)',
  })
  sort?: 'newest' | 'score';
}

export class ListDealsQueryDto extends PageQueryDto {
  @OneOf(['open', 'won', 'lost'], { optional: true })
  status?: string;

  @Slug({ optional: true, description: 'Deals in this pipeline' })
  pipelineId?: string;

  @Slug({ optional: true, description: 'Deals in (or closed in) this stage' })
  stage?: string;

  @Text(200, { optional: true })
  owner?: string;

  @Uuid({ optional: true })
  leadId?: string;

  @OneOf(['true', 'false'], {
    optional: true,
    description:
      "true: only the open deals rotting at the list's moment (now, or asOf): nobody touched them (a stage " +
      "change, a note, a completed activity) for their stage's rottenAfterDays; false: every other deal",
  })
  rotting?: 'true' | 'false';

  @Instant('The list as it stood at this moment (the log folded up to it), rotting judged then')
  asOf?: string;
}

export class ListActivitiesQueryDto extends PageQueryDto {
  @Text(200, { optional: true, description: 'Activities assigned to this person' })
  assignee?: string;

  @OneOf(['open', 'done', 'cancelled'], { optional: true })
  status?: 'open' | 'done' | 'cancelled';

  @OneOf(['overdue', 'today', 'week'], {
    optional: true,
    description:
      "Due relative to the list's moment (now, or asOf), in UTC: overdue = open and due before that moment; " +
      'today = due within its UTC day (00:00 inclusive to the next 00:00 exclusive), open or not; week = due ' +
      'from 00:00 of its UTC day to 7 days later (exclusive)',
  })
  due?: 'overdue' | 'today' | 'week';

  @Uuid({ optional: true, description: 'Activities scheduled on this lead (not those of its deal)' })
  leadId?: string;

  @Uuid({ optional: true, description: 'Activities scheduled on this deal' })
  dealId?: string;

  @Instant('The list as it stood at this moment (the log folded up to it); due filters are relative to it')
  asOf?: string;
}

export class AsOfQueryDto extends ReadQueryDto {
  @Instant('The answer as it stood at this moment')
  asOf?: string;
}

/** A period [from, to) for a report; what falls in it is said by each report. */
export class PeriodQueryDto extends AsOfQueryDto {
  @Instant('Start of the period (inclusive): a date or an ISO 8601 instant')
  from?: string;

  @Instant('End of the period (exclusive): a date or an ISO 8601 instant')
  to?: string;
}

export class FunnelQueryDto extends PeriodQueryDto {
  @Slug({ optional: true })
  source?: string;

  @OneOf(['band'], {
    optional: true,
    description:
      "band: the same figures per score band (hot, warm, cold) of each lead at the report's moment (now, or " +
      'asOf with the rule set in effect then) instead of per source. It reads every lead captured in the ' +
      'period, where the report per source adds up daily and monthly totals: its cost grows with the leads',
  })
  groupBy?: 'band';
}

export class PipelineReportQueryDto extends AsOfQueryDto {
  @Slug({ optional: true, description: 'The pipeline (default: default)', example: 'default' })
  pipelineId?: string;

  @OneOf(['owner'], { optional: true, description: 'Add a breakdown per deal owner' })
  groupBy?: 'owner';
}

/** How many open deals of each stage a board holds when the query does not say. */
export const CARDS_PER_STAGE = 50;

export class BoardQueryDto extends AsOfQueryDto {
  @Count(1, 100, CARDS_PER_STAGE, "How many of each stage's open deals (newest first) the board holds")
  cardsPerStage?: number;
}

export class StagesQueryDto extends PeriodQueryDto {
  @Slug({ optional: true, description: 'The pipeline (default: default)', example: 'default' })
  pipelineId?: string;
}

export class ForecastQueryDto extends StagesQueryDto {
  @OneOf(['owner'], { optional: true, description: 'Add a breakdown per deal owner' })
  groupBy?: 'owner';
}

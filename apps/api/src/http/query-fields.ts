import { STAGES } from '@app/domain';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min, ValidateBy } from 'class-validator';
import { OneOf, Optional, POSITION_PATTERN, Slug, Text, Uuid } from './fields';

export const Instant = (description: string) =>
  applyDecorators(
    ApiProperty({ type: String, format: 'date-time', required: false, description }),
    Optional(),
    ValidateBy({
      name: 'isInstant',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value) &&
          !Number.isNaN(Date.parse(value)),
        defaultMessage: () => '$property must be an ISO 8601 date or date-time, such as 2026-03-31T00:00:00Z',
      },
    }),
  );

/** Parameters every query accepts. */
export class ReadQueryDto {
  @ApiProperty({
    type: String,
    required: false,
    description:
      'Answer only once the read models include this log position (read-your-writes); also X-Min-Position',
  })
  @Optional()
  @Matches(POSITION_PATTERN, { message: '$property must be a log position (digits)' })
  minPosition?: string;
}

class PageQueryDto extends ReadQueryDto {
  @ApiProperty({ type: Number, required: false, minimum: 1, maximum: 100, default: 20 })
  @Optional()
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer from 1 to 100' })
  @Min(1, { message: '$property must be an integer from 1 to 100' })
  @Max(100, { message: '$property must be an integer from 1 to 100' })
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
}

export class ListDealsQueryDto extends PageQueryDto {
  @OneOf(['open', 'won', 'lost'], { optional: true })
  status?: string;

  @OneOf(STAGES, { optional: true })
  stage?: string;

  @Text(200, { optional: true })
  owner?: string;

  @Uuid({ optional: true })
  leadId?: string;
}

export class AsOfQueryDto extends ReadQueryDto {
  @Instant('The answer as it stood at this moment')
  asOf?: string;
}

export class FunnelQueryDto extends AsOfQueryDto {
  @Instant('Leads captured at or after this moment')
  from?: string;

  @Instant('Leads captured before this moment')
  to?: string;

  @Slug({ optional: true })
  source?: string;
}

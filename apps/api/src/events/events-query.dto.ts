import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { Count, OneOf, Optional, POSITION_PATTERN } from '../http/fields';
import { EVENT_TYPE_PATTERN } from './event-selection';

/** A category is the part of a stream name before its first dash, so it has none itself. */
export const CATEGORY_PATTERN = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const MAX_TYPES = 50;

export const typesOf = (types: string): string[] => types.split(',');

/** The query string of GET /events; which start wins and which parameters go with which answer is the controller's. */
export class EventsQueryDto {
  @OneOf(['start', 'end'], {
    optional: true,
    description:
      'Where to start: `start` (the default) is the first event, `end` only the events appended after the ' +
      'request. Not with `after`. A Last-Event-ID header wins over it.',
  })
  from?: 'start' | 'end';

  @ApiProperty({
    type: String,
    required: false,
    pattern: POSITION_PATTERN.source,
    description:
      'Start strictly after this log position (an id you received). Not with `from`. A Last-Event-ID header ' +
      'wins over it.',
    example: '1042',
  })
  @Optional()
  @Matches(POSITION_PATTERN, { message: '$property must be a log position (digits)' })
  after?: string;

  @ApiProperty({
    type: String,
    required: false,
    description: `Only these event types, comma-separated (at most ${MAX_TYPES})`,
    example: 'DealWon,DealLost',
  })
  @Optional()
  @IsString()
  @MaxLength(2000)
  @ValidateBy({
    name: 'isEventTypeList',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        const types = typesOf(value);
        return types.length <= MAX_TYPES && types.every((type) => EVENT_TYPE_PATTERN.test(type));
      },
      defaultMessage: () =>
        `$property must be up to ${MAX_TYPES} event type names (letters and digits, starting with a letter) separated by commas`,
    },
  })
  types?: string;

  @ApiProperty({
    type: String,
    required: false,
    pattern: CATEGORY_PATTERN.source,
    description: 'Only the events of the streams of this category: `deal` selects the streams `deal-…`',
    example: 'deal',
  })
  @Optional()
  @IsString()
  @MaxLength(50)
  @Matches(CATEGORY_PATTERN, {
    message: '$property must be a stream category: lowercase letters, digits and underscores, such as deal',
  })
  category?: string;

  @Count(1, 1000, 100, 'Events per page; only with Accept: application/json')
  limit?: number;
}

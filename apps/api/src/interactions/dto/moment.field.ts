import { instant } from '@app/domain';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, ValidateBy } from 'class-validator';

/** An instant written with its offset, as the domain takes it (kept as UTC). */
function isInstantWithOffset(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    instant(value, 'value');
    return true;
  } catch {
    return false;
  }
}

/** A required ISO 8601 date-time with an offset (Z or +02:00), such as a due time. */
export const Moment = (description: string) =>
  applyDecorators(
    ApiProperty({
      type: String,
      format: 'date-time',
      description: `${description}; an ISO 8601 date-time with its offset, kept in UTC`,
      example: '2026-05-04T09:30:00Z',
    }),
    IsDefined(),
    ValidateBy({
      name: 'isInstantWithOffset',
      validator: {
        validate: isInstantWithOffset,
        defaultMessage: () =>
          '$property must be an ISO 8601 date-time with an offset, such as 2026-05-04T09:30:00Z',
      },
    }),
  );

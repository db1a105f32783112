import { MAX_AMOUNT, SLUG_PATTERN, isCalendarDate, isCurrencyCode } from '@app/domain';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/**
 * Composed field decorators: each states a field's validation and its OpenAPI description once.
 * An optional field may be left out; `null` is refused like any other wrong type.
 */
interface FieldOptions {
  readonly optional?: boolean;
  /** For patches: the field may also be `null`, which clears it (implies optional). */
  readonly nullable?: boolean;
  readonly description?: string;
  readonly example?: unknown;
}

/** A global log position as the API writes it: a string of digits (it may exceed 2^53). */
export const POSITION_PATTERN = /^\d{1,20}$/;

/** An optional field or parameter: validated only when given (so `null` is refused like any wrong type). */
export const Optional = () => ValidateIf((_: object, value: unknown) => value !== undefined);

/** A field that may be left out or be null (a patch that clears it): validated only when it holds a value. */
export const OptionalOrNull = () =>
  ValidateIf((_: object, value: unknown) => value !== undefined && value !== null);

const presence = (options: FieldOptions) =>
  options.nullable ? OptionalOrNull() : options.optional ? Optional() : IsDefined();

export const Text = (max: number, options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: String,
      maxLength: max,
      minLength: 1,
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    IsString(),
    Matches(/\S/, { message: '$property must not be blank' }),
    MaxLength(max),
  );

export const Email = (options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: String,
      format: 'email',
      maxLength: 320,
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    IsString(),
    IsEmail({}, { message: '$property must be an email address' }),
    MaxLength(320),
  );

/**
 * An optional whole number of a query, such as a page size: from min to max, `byDefault` when left out (the
 * handler applies it; the document states it).
 */
export function Count(min: number, max: number, byDefault: number, description?: string) {
  const message = `$property must be an integer from ${min} to ${max}`;
  return applyDecorators(
    ApiProperty({
      type: 'integer',
      required: false,
      minimum: min,
      maximum: max,
      default: byDefault,
      ...(description === undefined ? {} : { description }),
    }),
    Optional(),
    Type(() => Number),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  );
}

export const Slug = (options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: String,
      pattern: SLUG_PATTERN.source,
      maxLength: 50,
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    IsString(),
    Matches(SLUG_PATTERN, { message: '$property must be a lowercase slug such as web_form' }),
    MaxLength(50),
  );

export const SlugList = (maxItems: number, options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: [String],
      maxItems,
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    IsArray(),
    ArrayMaxSize(maxItems),
    IsString({ each: true }),
    Matches(SLUG_PATTERN, { each: true, message: 'each of $property must be a lowercase slug' }),
    MaxLength(50, { each: true }),
  );

export const Uuid = (options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: String,
      format: 'uuid',
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    IsUUID('all', { message: '$property must be a UUID' }),
  );

export const OneOf = (values: readonly string[], options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: String,
      enum: [...values],
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    IsIn([...values], { message: `$property must be one of ${values.join(', ')}` }),
  );

export const CalendarDate = (options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: String,
      format: 'date',
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    ValidateBy({
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: () => '$property must be a calendar date written YYYY-MM-DD',
      },
    }),
  );

/** A whole number within bounds (probabilities, days). */
export const WholeNumber = (min: number, max: number, options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({
      type: 'integer',
      minimum: min,
      maximum: max,
      required: !(options.optional || options.nullable),
      ...doc(options),
    }),
    presence(options),
    IsInt({ message: `$property must be a whole number from ${min} to ${max}` }),
    Min(min, { message: `$property must be a whole number from ${min} to ${max}` }),
    Max(max, { message: `$property must be a whole number from ${min} to ${max}` }),
  );

export class MoneyDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_AMOUNT,
    description: 'Integer amount in minor units (cents)',
    example: 1250000,
  })
  @IsDefined()
  @IsInt({ message: '$property must be an integer number of minor units (cents)' })
  @Min(0)
  @Max(MAX_AMOUNT)
  amount!: number;

  @ApiProperty({ type: String, description: 'ISO 4217 currency code', example: 'EUR' })
  @IsDefined()
  @ValidateBy({
    name: 'isCurrencyCode',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isCurrencyCode(value),
      defaultMessage: () => '$property must be an ISO 4217 currency code such as EUR or USD',
    },
  })
  currency!: string;
}

export const Money = (options: FieldOptions = {}) =>
  applyDecorators(
    ApiProperty({ type: MoneyDto, required: !(options.optional || options.nullable), ...doc(options) }),
    presence(options),
    IsObject({ message: '$property must be an object { amount, currency }' }),
    ValidateNested(),
    Type(() => MoneyDto),
  );

function doc(options: FieldOptions) {
  return {
    ...(options.nullable ? { nullable: true } : {}),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.example === undefined ? {} : { example: options.example }),
  };
}

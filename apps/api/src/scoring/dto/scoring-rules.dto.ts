import {
  ACTIVITY_TYPES,
  FIT_FIELDS,
  MAX_HALF_LIFE_DAYS,
  MAX_POINTS,
  MAX_RULES,
  SLUG_PATTERN,
} from '@app/domain';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsDefined,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Money, MoneyDto, OneOf, Optional, Text, WholeNumber } from '../../http/fields';

const RuleName = () =>
  applyDecorators(
    ApiProperty({
      type: String,
      pattern: SLUG_PATTERN.source,
      maxLength: 100,
      description: 'Names the rule in score explanations; unique in the rule set',
      example: 'referral',
    }),
    IsDefined(),
    IsString(),
    Matches(SLUG_PATTERN, { message: '$property must be a lowercase slug such as referral' }),
    MaxLength(100),
  );

const RuleList = (type: new () => object, description: string) =>
  applyDecorators(
    ApiProperty({ type: [type], maxItems: MAX_RULES, description }),
    IsDefined(),
    IsArray(),
    ArrayMaxSize(MAX_RULES),
    ValidateNested({ each: true }),
    Type(() => type),
  );

export class FitRuleDto {
  @RuleName()
  rule!: string;

  @WholeNumber(-MAX_POINTS, MAX_POINTS, {
    description: 'Added to the fit when the lead matches',
    example: 25,
  })
  points!: number;

  @OneOf(FIT_FIELDS, { description: 'The lead field the rule looks at' })
  field!: string;

  @Text(200, {
    optional: true,
    description: 'source or campaign has this value, or tags hold this tag (source and tags: a slug)',
    example: 'referral',
  })
  equals?: string;

  @ApiProperty({
    type: Boolean,
    enum: [true],
    required: false,
    description:
      'The field has a value (tags: at least one; budget: the lead is qualified); campaign, company, phone, interest, tags, budget',
  })
  @Optional()
  @Equals(true, { message: '$property must be true (leave it out otherwise)' })
  present?: true;

  @Money({
    optional: true,
    description: 'budget only: the qualification budget is in this currency and at least this amount',
  })
  atLeast?: MoneyDto;
}

export class EngagementRuleDto {
  @RuleName()
  rule!: string;

  @WholeNumber(1, MAX_POINTS, {
    description: 'Points for each note or completed activity, halved every halfLifeDays after it',
    example: 10,
  })
  points!: number;

  @OneOf(['note', 'activity'], { description: 'Notes on the lead, or activities of the lead completed' })
  on!: 'note' | 'activity';

  @OneOf(ACTIVITY_TYPES, { optional: true, description: 'on activity: only activities of this type' })
  activityType?: string;
}

export class ScoringBandsDto {
  @WholeNumber(-100_000, 100_000, { description: 'A score at least this is hot', example: 50 })
  hot!: number;

  @WholeNumber(-100_000, 100_000, {
    description: 'A score at least this (and below hot) is warm; below it, cold',
    example: 25,
  })
  warm!: number;
}

/**
 * A rule set: fit rules on the lead's fields, engagement rules on its notes and completed activities, the
 * half-life of engagement points, the bands' thresholds.
 */
export class ScoringRulesDto {
  @RuleList(
    FitRuleDto,
    'Rules on the lead fields: each adds its points to the fit when the lead matches it; exactly one of equals, present, atLeast',
  )
  fit!: FitRuleDto[];

  @RuleList(
    EngagementRuleDto,
    'Rules on interactions: each adds its points for each note or completed activity it matches',
  )
  engagement!: EngagementRuleDto[];

  @WholeNumber(1, MAX_HALF_LIFE_DAYS, {
    description: 'Engagement points halve every this many days after the interaction',
    example: 30,
  })
  halfLifeDays!: number;

  @ApiProperty({ type: ScoringBandsDto, description: 'The band thresholds; hot above warm' })
  @IsDefined()
  @IsObject({ message: '$property must be an object { hot, warm }' })
  @ValidateNested()
  @Type(() => ScoringBandsDto)
  bands!: ScoringBandsDto;
}

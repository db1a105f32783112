import { BANDS, type LeadScore, type ScoringRuleSet } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { ScoringRulesDto } from './dto/scoring-rules.dto';

/** GET /scoring/rules: the rule set in effect, its version, and the revision of its stream (also the ETag). */
export class ScoringRulesView extends ScoringRulesDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The rule set version: 1 is the default, each rule set defined since is one more',
  })
  version!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it was defined; null for the default rule set',
  })
  definedAt!: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: -1,
    description:
      'Revision of the scoring-rules stream; also the ETag. -1 while the default rule set is in effect: If-Match "-1" defines the first rule set only if nobody did',
  })
  revision!: number;
}

export const toScoringRulesView = (ruleSet: ScoringRuleSet, revision: number): ScoringRulesView => ({
  version: ruleSet.version,
  definedAt: ruleSet.definedAt,
  ...(ruleSet.rules as ScoringRulesDto),
  revision,
});

export class ScoreContributionView {
  @ApiProperty({ description: 'The rule, by its name in the rule set', example: 'referral' }) rule!: string;
  @ApiProperty({ enum: ['fit', 'engagement'] }) kind!: string;
  @ApiProperty({
    type: Number,
    description:
      'A fit rule: its points. An engagement rule: its points for each interaction it counted, decayed to the moment of the score, summed (two decimals)',
  })
  points!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    required: false,
    description: 'Engagement rules: the notes or completed activities counted',
  })
  count?: number;
}

/** GET /leads/{leadId}/score: a lead's score at a moment, and every rule that made it. */
export class LeadScoreView {
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ type: 'integer', description: 'fit + engagement, rounded to a whole number' })
  score!: number;
  @ApiProperty({ type: 'integer', description: 'The points of the fit rules the lead matches' }) fit!: number;
  @ApiProperty({
    type: Number,
    minimum: 0,
    description:
      'The engagement rules points, each interaction decayed to the moment of the score (two decimals)',
  })
  engagement!: number;
  @ApiProperty({ enum: BANDS, description: 'By the rule set thresholds' }) band!: string;
  @ApiProperty({
    type: [ScoreContributionView],
    description: 'Every rule that contributed, fit rules first, each in rule set order',
  })
  contributions!: ScoreContributionView[];
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The rule set version the score was computed with',
  })
  rulesVersion!: number;
  @ApiProperty({
    format: 'date-time',
    description: 'The moment the score is for (engagement decays with time): now, or asOf',
  })
  at!: string;
}

export const toLeadScoreView = (leadId: string, score: LeadScore): LeadScoreView => ({
  leadId,
  ...score,
  contributions: score.contributions.map((c) => ({ ...c })),
});

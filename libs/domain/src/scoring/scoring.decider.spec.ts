import { deciderSpec } from '../testing/decider-spec';
import {
  type DefineScoringRules,
  type ScoringRulesDefined,
  evolveScoring,
  initialScoringState,
  scoringDecider,
} from './scoring';
import { DEFAULT_SCORING_RULES, type ScoringRules } from './scoring-rules';

const now = '2026-05-01T08:00:00.000Z';
const spec = deciderSpec(scoringDecider);

const define = (rules: ScoringRules): DefineScoringRules => ({
  type: 'DefineScoringRules',
  data: { rules },
  metadata: { now },
});

const rules: ScoringRules = {
  fit: [
    { rule: 'enterprise', field: 'tags', equals: 'enterprise', points: 30 },
    { rule: 'big-budget', field: 'budget', atLeast: { amount: 5_000_000, currency: 'EUR' }, points: 25 },
    { rule: 'cold-list', field: 'source', equals: 'cold_outreach', points: -10 },
    { rule: 'spring', field: 'campaign', equals: 'Spring 2026', points: 5 },
  ],
  engagement: [
    { rule: 'any-activity', on: 'activity', points: 4 },
    { rule: 'meetings', on: 'activity', activityType: 'meeting', points: 20 },
  ],
  halfLifeDays: 14,
  bands: { hot: 60, warm: 20 },
};
const defined = (version: number, at = now): ScoringRulesDefined => ({
  type: 'ScoringRulesDefined',
  data: { version, ...rules, definedAt: at },
});

describe('scoring rules', () => {
  it('starts with the default rule set as version 1, which no event defined', () => {
    expect(initialScoringState()).toEqual({ version: 1, rules: DEFAULT_SCORING_RULES, definedAt: null });
  });

  it('defines a rule set as the next version', () => {
    spec
      .given([])
      .when(define(rules))
      .then([defined(2)]);
    spec
      .given([defined(2, '2026-04-01T00:00:00.000Z')])
      .when(define(DEFAULT_SCORING_RULES))
      .then([
        { type: 'ScoringRulesDefined', data: { version: 3, ...DEFAULT_SCORING_RULES, definedAt: now } },
      ]);
  });

  it('records nothing when the rule set in effect is defined again, whatever the key order', () => {
    spec.given([]).when(define(DEFAULT_SCORING_RULES)).then([]);
    const reordered = JSON.parse(
      JSON.stringify({ bands: rules.bands, halfLifeDays: 14, engagement: rules.engagement, fit: rules.fit }),
    ) as ScoringRules;
    spec
      .given([defined(2)])
      .when(define(reordered))
      .then([]);
  });

  it('holds the last rule set defined', () => {
    expect(evolveScoring(initialScoringState(), defined(2))).toEqual({ version: 2, rules, definedAt: now });
  });

  describe('refuses a rule set that cannot be applied, naming the field', () => {
    const cases: [string, ScoringRules, string][] = [
      [
        'a rule name that is not a slug',
        { ...rules, fit: [{ ...rules.fit[0]!, rule: 'Big Deal' }] },
        'fit[0].rule',
      ],
      [
        'a rule named twice',
        { ...rules, engagement: [{ ...rules.engagement[0]!, rule: 'enterprise' }] },
        'engagement[0].rule',
      ],
      ['points that are not whole', { ...rules, fit: [{ ...rules.fit[0]!, points: 2.5 }] }, 'fit[0].points'],
      ['too many points', { ...rules, fit: [{ ...rules.fit[0]!, points: 1001 }] }, 'fit[0].points'],
      [
        'negative engagement points',
        { ...rules, engagement: [{ ...rules.engagement[0]!, points: -1 }] },
        'engagement[0].points',
      ],
      [
        'an unknown field',
        { ...rules, fit: [{ rule: 'x', field: 'email' as never, present: true, points: 1 }] },
        'fit[0].field',
      ],
      [
        'two matchers',
        { ...rules, fit: [{ rule: 'x', field: 'tags', equals: 'a', present: true, points: 1 }] },
        'fit[0]',
      ],
      ['no matcher', { ...rules, fit: [{ rule: 'x', field: 'company', points: 1 }] }, 'fit[0]'],
      [
        'a matcher the field does not take',
        { ...rules, fit: [{ rule: 'x', field: 'company', equals: 'Acme', points: 1 }] },
        'fit[0]',
      ],
      [
        'a source that is not a slug',
        { ...rules, fit: [{ rule: 'x', field: 'source', equals: 'Web Form', points: 1 }] },
        'fit[0].equals',
      ],
      [
        'a budget in no currency',
        {
          ...rules,
          fit: [{ rule: 'x', field: 'budget', atLeast: { amount: 1, currency: 'EURO' }, points: 1 }],
        },
        'fit[0].atLeast.currency',
      ],
      [
        'a negative budget',
        {
          ...rules,
          fit: [{ rule: 'x', field: 'budget', atLeast: { amount: -1, currency: 'EUR' }, points: 1 }],
        },
        'fit[0].atLeast.amount',
      ],
      [
        'an engagement on something else',
        { ...rules, engagement: [{ rule: 'x', on: 'visit' as never, points: 1 }] },
        'engagement[0].on',
      ],
      [
        'an activity type on notes',
        { ...rules, engagement: [{ rule: 'x', on: 'note', activityType: 'call', points: 1 }] },
        'engagement[0].activityType',
      ],
      [
        'an unknown activity type',
        { ...rules, engagement: [{ rule: 'x', on: 'activity', activityType: 'lunch' as never, points: 1 }] },
        'engagement[0].activityType',
      ],
      ['a half-life of zero days', { ...rules, halfLifeDays: 0 }, 'halfLifeDays'],
      ['a half-life of ten years and a day', { ...rules, halfLifeDays: 3651 }, 'halfLifeDays'],
      ['hot not above warm', { ...rules, bands: { hot: 20, warm: 20 } }, 'bands.hot'],
      [
        'too many rules',
        {
          ...rules,
          fit: Array.from({ length: 101 }, (_, i) => ({
            rule: `r${i}`,
            field: 'company' as const,
            present: true as const,
            points: 1,
          })),
        },
        'fit',
      ],
    ];
    it.each(cases)('%s', (_, bad, field) => {
      spec.given([]).when(define(bad)).thenFails('INVALID_SCORING_RULES', 'invalid', field);
    });
  });
});

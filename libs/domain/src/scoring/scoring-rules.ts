import { ACTIVITY_TYPES, type ActivityType } from '../interactions/interactions';
import { invalid } from '../shared/domain-error';
import { MAX_AMOUNT, type Money, SLUG_PATTERN, isCurrencyCode } from '../shared/values';

/**
 * How leads are scored: fit rules on the lead's fields, engagement rules on its interactions (whose points
 * halve every `halfLifeDays`), and the thresholds of the bands. A rule set is configuration in the log
 * (ScoringRulesDefined), so every score can be explained and recomputed as of any moment.
 */
export const FIT_FIELDS = ['source', 'campaign', 'company', 'phone', 'interest', 'tags', 'budget'] as const;
export type FitField = (typeof FIT_FIELDS)[number];

/**
 * A fit rule adds its points when the lead matches it; exactly one matcher:
 * - `equals`: source or campaign has that value; tags hold that tag;
 * - `present`: the field has a value (tags: at least one; budget: the lead is qualified);
 * - `atLeast`: the qualification budget is in that currency and at least that amount.
 */
export interface FitRule {
  readonly rule: string;
  readonly points: number;
  readonly field: FitField;
  readonly equals?: string;
  readonly present?: true;
  readonly atLeast?: Money;
}

/** An engagement rule adds its points for each note, or each completed activity (of a type, if given). */
export interface EngagementRule {
  readonly rule: string;
  readonly points: number;
  readonly on: 'note' | 'activity';
  readonly activityType?: ActivityType;
}

export const BANDS = ['hot', 'warm', 'cold'] as const;
export type Band = (typeof BANDS)[number];

export interface ScoringRules {
  readonly fit: readonly FitRule[];
  readonly engagement: readonly EngagementRule[];
  /** Engagement points halve every this many days after the interaction. */
  readonly halfLifeDays: number;
  /** A score at least `hot` is hot, at least `warm` warm, otherwise cold. */
  readonly bands: { readonly hot: number; readonly warm: number };
}

export const MAX_RULES = 100;
export const MAX_POINTS = 1000;
export const MAX_HALF_LIFE_DAYS = 3650;

/**
 * The rule set in effect until an admin defines one (version 1): a referral with a company and tags scores
 * above a bare form fill, and interactions raise a score for a month or two.
 */
export const DEFAULT_SCORING_RULES: ScoringRules = {
  fit: [
    { rule: 'referral', field: 'source', equals: 'referral', points: 25 },
    { rule: 'event', field: 'source', equals: 'event', points: 15 },
    { rule: 'company', field: 'company', present: true, points: 15 },
    { rule: 'tagged', field: 'tags', present: true, points: 10 },
    { rule: 'phone', field: 'phone', present: true, points: 5 },
    { rule: 'interest', field: 'interest', present: true, points: 5 },
    { rule: 'budget', field: 'budget', present: true, points: 20 },
  ],
  engagement: [
    { rule: 'note', on: 'note', points: 3 },
    { rule: 'call', on: 'activity', activityType: 'call', points: 10 },
    { rule: 'meeting', on: 'activity', activityType: 'meeting', points: 15 },
    { rule: 'email', on: 'activity', activityType: 'email', points: 5 },
    { rule: 'task', on: 'activity', activityType: 'task', points: 2 },
  ],
  halfLifeDays: 30,
  bands: { hot: 50, warm: 25 },
};

const MATCHERS: Readonly<Record<FitField, readonly ('equals' | 'present' | 'atLeast')[]>> = {
  source: ['equals'],
  campaign: ['equals', 'present'],
  company: ['present'],
  phone: ['present'],
  interest: ['present'],
  tags: ['equals', 'present'],
  budget: ['present', 'atLeast'],
};

const integerIn = (value: unknown, min: number, max: number): boolean =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

/** Refuses a rule set that cannot be applied, naming the field at fault (`fit[2].equals`). */
export function assertScoringRules(rules: ScoringRules): void {
  const fail = (field: string, message: string) => {
    throw invalid('INVALID_SCORING_RULES', field, message);
  };
  if (rules.fit.length > MAX_RULES) fail('fit', `at most ${MAX_RULES} fit rules`);
  if (rules.engagement.length > MAX_RULES) fail('engagement', `at most ${MAX_RULES} engagement rules`);
  const names = new Set<string>();
  const name = (rule: string, field: string) => {
    if (!SLUG_PATTERN.test(rule) || rule.length > 100) fail(field, 'a rule is named by a lowercase slug');
    if (names.has(rule)) fail(field, `rule "${rule}" is named twice`);
    names.add(rule);
  };
  rules.fit.forEach((rule, i) => {
    const at = `fit[${i}]`;
    name(rule.rule, `${at}.rule`);
    if (!integerIn(rule.points, -MAX_POINTS, MAX_POINTS)) {
      fail(`${at}.points`, `points are a whole number from -${MAX_POINTS} to ${MAX_POINTS}`);
    }
    const allowed = MATCHERS[rule.field];
    if (!allowed) fail(`${at}.field`, `field must be one of ${FIT_FIELDS.join(', ')}`);
    const given = (['equals', 'present', 'atLeast'] as const).filter((m) => rule[m] !== undefined);
    if (given.length !== 1 || !allowed.includes(given[0]!)) {
      fail(at, `a rule on ${rule.field} has exactly one of: ${allowed.join(', ')}`);
    }
    if (rule.present !== undefined && rule.present !== true) fail(`${at}.present`, 'present is true');
    if (rule.equals !== undefined) {
      const slug = rule.field !== 'campaign';
      if (
        slug ? !SLUG_PATTERN.test(rule.equals) : rule.equals.trim().length === 0 || rule.equals.length > 200
      ) {
        fail(
          `${at}.equals`,
          slug ? `${rule.field} values are lowercase slugs` : 'a campaign of 1 to 200 characters',
        );
      }
    }
    if (rule.atLeast !== undefined) {
      if (!isCurrencyCode(rule.atLeast.currency)) fail(`${at}.atLeast.currency`, 'an ISO 4217 currency code');
      if (!integerIn(rule.atLeast.amount, 0, MAX_AMOUNT)) {
        fail(`${at}.atLeast.amount`, `a whole number of minor units from 0 to ${MAX_AMOUNT}`);
      }
    }
  });
  rules.engagement.forEach((rule, i) => {
    const at = `engagement[${i}]`;
    name(rule.rule, `${at}.rule`);
    if (!integerIn(rule.points, 1, MAX_POINTS)) {
      fail(`${at}.points`, `engagement points are a whole number from 1 to ${MAX_POINTS}`);
    }
    if (rule.on !== 'note' && rule.on !== 'activity') fail(`${at}.on`, 'on is note or activity');
    if (rule.activityType !== undefined) {
      if (rule.on !== 'activity') fail(`${at}.activityType`, 'only a rule on activities has an activityType');
      if (!ACTIVITY_TYPES.includes(rule.activityType)) {
        fail(`${at}.activityType`, `activityType is one of ${ACTIVITY_TYPES.join(', ')}`);
      }
    }
  });
  if (!integerIn(rules.halfLifeDays, 1, MAX_HALF_LIFE_DAYS)) {
    fail('halfLifeDays', `a whole number of days from 1 to ${MAX_HALF_LIFE_DAYS}`);
  }
  const { hot, warm } = rules.bands;
  if (!integerIn(warm, -100_000, 100_000)) fail('bands.warm', 'a whole number of points');
  if (!integerIn(hot, -100_000, 100_000)) fail('bands.hot', 'a whole number of points');
  if (hot <= warm) fail('bands.hot', 'the hot threshold is above the warm one');
}

/** The rule set with every value copied in a fixed key order, as it is stored and compared. */
export function normalizedRules(rules: ScoringRules): ScoringRules {
  return {
    fit: rules.fit.map((r) => ({
      rule: r.rule,
      field: r.field,
      ...(r.equals !== undefined ? { equals: r.equals } : {}),
      ...(r.present !== undefined ? { present: r.present } : {}),
      ...(r.atLeast !== undefined
        ? { atLeast: { amount: r.atLeast.amount, currency: r.atLeast.currency } }
        : {}),
      points: r.points,
    })),
    engagement: rules.engagement.map((r) => ({
      rule: r.rule,
      on: r.on,
      ...(r.activityType !== undefined ? { activityType: r.activityType } : {}),
      points: r.points,
    })),
    halfLifeDays: rules.halfLifeDays,
    bands: { hot: rules.bands.hot, warm: rules.bands.warm },
  };
}

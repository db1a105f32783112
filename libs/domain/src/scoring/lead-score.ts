import type { Engagement } from '../interactions/interactions';
import type { CapturedLead } from '../lead/lead.state';
import type { Band, EngagementRule, FitRule, ScoringRules } from './scoring-rules';
import type { ScoringRuleSet } from './scoring';

const DAY_MS = 24 * 3600 * 1000;

/** One rule's part of a score: a fit rule's points, or an engagement rule's decayed points and how many counted. */
export interface ScoreContribution {
  readonly rule: string;
  readonly kind: 'fit' | 'engagement';
  readonly points: number;
  /** Engagement rules: the notes or activities that counted. */
  readonly count?: number;
}

export interface LeadScore {
  /** fit + engagement, rounded to a whole number. */
  readonly score: number;
  readonly fit: number;
  /** Decayed to the moment of the score; two decimals. */
  readonly engagement: number;
  readonly band: Band;
  readonly contributions: readonly ScoreContribution[];
  readonly rulesVersion: number;
  /** The moment the score is for (engagement decays with time). */
  readonly at: string;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function bandOf(rules: ScoringRules, score: number): Band {
  return score >= rules.bands.hot ? 'hot' : score >= rules.bands.warm ? 'warm' : 'cold';
}

/** Whether a fit rule matches the lead as it stands. */
export function fitMatches(rule: FitRule, lead: CapturedLead): boolean {
  switch (rule.field) {
    case 'tags':
      return rule.equals !== undefined ? lead.tags.includes(rule.equals) : lead.tags.length > 0;
    case 'budget': {
      const budget = lead.qualification?.budget;
      if (!budget) return false;
      if (rule.atLeast === undefined) return true;
      return budget.currency === rule.atLeast.currency && budget.amount >= rule.atLeast.amount;
    }
    case 'source':
    case 'campaign':
    case 'company':
    case 'phone':
    case 'interest': {
      const value = lead[rule.field];
      return rule.equals !== undefined ? value === rule.equals : value !== null && value !== '';
    }
    default: {
      const exhaustive: never = rule.field;
      return exhaustive;
    }
  }
}

export function engagementMatches(rule: EngagementRule, engagement: Engagement): boolean {
  if (rule.on !== engagement.kind) return false;
  return rule.activityType === undefined || rule.activityType === engagement.activityType;
}

/** The fit points of the rules the lead matches. */
export function fitPoints(rules: ScoringRules, lead: CapturedLead): number {
  let points = 0;
  for (const rule of rules.fit) if (fitMatches(rule, lead)) points += rule.points;
  return points;
}

/** How much an interaction's points are worth at a moment: halved every half-life since it happened. */
export const decay = (rules: ScoringRules, happenedAt: string, at: string): number =>
  2 ** (-(Date.parse(at) - Date.parse(happenedAt)) / (rules.halfLifeDays * DAY_MS));

/** A lead's score at a moment, with every rule that contributed. */
export function scoreLead(ruleSet: ScoringRuleSet, lead: CapturedLead, at: string): LeadScore {
  const { rules } = ruleSet;
  const contributions: ScoreContribution[] = [];
  let fit = 0;
  for (const rule of rules.fit) {
    if (!fitMatches(rule, lead)) continue;
    fit += rule.points;
    contributions.push({ rule: rule.rule, kind: 'fit', points: rule.points });
  }
  let engagement = 0;
  for (const rule of rules.engagement) {
    let points = 0;
    let count = 0;
    for (const e of lead.interactions.engagements) {
      if (!engagementMatches(rule, e)) continue;
      points += rule.points * decay(rules, e.at, at);
      count += 1;
    }
    if (count === 0) continue;
    engagement += points;
    contributions.push({ rule: rule.rule, kind: 'engagement', points: round2(points), count });
  }
  const score = Math.round(fit + engagement);
  return {
    score,
    fit,
    engagement: round2(engagement),
    band: bandOf(rules, score),
    contributions,
    rulesVersion: ruleSet.version,
    at,
  };
}

/**
 * Engagement in a form that does not change with time, for read models that order leads by score: the
 * base-2 logarithm of the engagement points as they would stand at ENGAGEMENT_EPOCH (null: none). At a
 * moment T the engagement is 2^(rank - (T - epoch) / half-life): every lead's engagement decays by the same
 * factor, so ordering by rank orders by engagement at any moment.
 */
export const ENGAGEMENT_EPOCH = Date.UTC(2020, 0, 1);

export function engagementRank(rules: ScoringRules, engagements: readonly Engagement[]): number | null {
  const halfLife = rules.halfLifeDays * DAY_MS;
  // log2 of a sum of p * 2^x, computed from the largest term so that nothing overflows.
  const terms: number[] = [];
  for (const e of engagements) {
    for (const rule of rules.engagement) {
      if (engagementMatches(rule, e)) {
        terms.push(Math.log2(rule.points) + (Date.parse(e.at) - ENGAGEMENT_EPOCH) / halfLife);
      }
    }
  }
  if (terms.length === 0) return null;
  // A loop, not Math.max(...terms): spreading a lead's every interaction overflows the call stack.
  let top = -Infinity;
  for (const term of terms) if (term > top) top = term;
  let sum = 0;
  for (const term of terms) sum += 2 ** (term - top);
  return top + Math.log2(sum);
}

/** The engagement a rank stands for at a moment. */
export function engagementFromRank(rules: ScoringRules, rank: number | null, at: string): number {
  if (rank === null) return 0;
  return 2 ** (rank - (Date.parse(at) - ENGAGEMENT_EPOCH) / (rules.halfLifeDays * DAY_MS));
}

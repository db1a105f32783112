import type { ActivityType } from '../interactions/interactions';
import { noInteractions } from '../interactions/interactions';
import type { CapturedLead } from '../lead/lead.state';
import { engagementFromRank, engagementRank, fitPoints, scoreLead } from './lead-score';
import type { ScoringRuleSet } from './scoring';
import { DEFAULT_SCORING_RULES, type ScoringRules } from './scoring-rules';

const DAY = 24 * 3600 * 1000;
const at = '2026-06-01T00:00:00.000Z';
const daysBefore = (days: number) => new Date(Date.parse(at) - days * DAY).toISOString();

const lead = (fields: Partial<CapturedLead> = {}): CapturedLead => ({
  status: 'captured',
  leadId: '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e',
  name: 'Ada',
  email: 'ada@example.com',
  company: null,
  phone: null,
  source: 'web_form',
  campaign: null,
  interest: null,
  tags: [],
  owner: null,
  capturedAt: '2026-01-01T00:00:00.000Z',
  qualification: null,
  disqualification: null,
  interactions: noInteractions(),
  erased: null,
  ...fields,
});

const engaged = (
  ...engagements: [kind: 'note' | ActivityType, daysAgo: number][]
): Partial<CapturedLead> => ({
  interactions: {
    ...noInteractions(),
    engagements: engagements.map(([kind, days]) => ({
      kind: kind === 'note' ? 'note' : 'activity',
      activityType: kind === 'note' ? null : kind,
      at: daysBefore(days),
    })),
  },
});

const defaults: ScoringRuleSet = { version: 1, rules: DEFAULT_SCORING_RULES, definedAt: null };

describe('lead score', () => {
  it('scores a referral with a company and tags above a bare form fill, with the default rules', () => {
    const bare = scoreLead(defaults, lead(), at);
    const referral = scoreLead(
      defaults,
      lead({ source: 'referral', company: 'Acme', tags: ['enterprise'] }),
      at,
    );
    expect(bare).toEqual({
      score: 0,
      fit: 0,
      engagement: 0,
      band: 'cold',
      contributions: [],
      rulesVersion: 1,
      at,
    });
    expect(referral).toMatchObject({ score: 50, fit: 50, band: 'hot' });
    expect(referral.contributions).toEqual([
      { rule: 'referral', kind: 'fit', points: 25 },
      { rule: 'company', kind: 'fit', points: 15 },
      { rule: 'tagged', kind: 'fit', points: 10 },
    ]);
  });

  it('raises a score with interactions, each worth half as much every half-life', () => {
    const score = scoreLead(
      defaults,
      lead(engaged(['note', 0], ['call', 30], ['call', 60], ['meeting', 30])),
      at,
    );
    // note 3; calls 10/2 + 10/4; meeting 15/2
    expect(score.contributions).toEqual([
      { rule: 'note', kind: 'engagement', points: 3, count: 1 },
      { rule: 'call', kind: 'engagement', points: 7.5, count: 2 },
      { rule: 'meeting', kind: 'engagement', points: 7.5, count: 1 },
    ]);
    expect(score).toMatchObject({ engagement: 18, score: 18, band: 'cold' });
    expect(scoreLead(defaults, lead({ company: 'Acme', ...engaged(['meeting', 0]) }), at)).toMatchObject({
      score: 30,
      band: 'warm',
    });
  });

  it('matches fit rules on each field as the rule set says', () => {
    const rules: ScoringRules = {
      fit: [
        { rule: 'campaign', field: 'campaign', equals: 'Spring', points: 1 },
        { rule: 'any-campaign', field: 'campaign', present: true, points: 2 },
        { rule: 'vip', field: 'tags', equals: 'vip', points: 4 },
        { rule: 'eur-budget', field: 'budget', atLeast: { amount: 1000, currency: 'EUR' }, points: 8 },
        { rule: 'cold', field: 'source', equals: 'cold_outreach', points: -16 },
        { rule: 'phone', field: 'phone', present: true, points: 32 },
      ],
      engagement: [],
      halfLifeDays: 30,
      bands: { hot: 10, warm: 5 },
    };
    const qualified = (amount: number, currency: string): Partial<CapturedLead> => ({
      status: 'qualified',
      qualification: {
        budget: { amount, currency },
        timeline: '2026-09-30',
        authority: null,
        need: null,
        note: null,
        qualifiedAt: at,
      },
    });
    expect(fitPoints(rules, lead({ campaign: 'Spring', tags: ['vip', 'x'] }))).toBe(7);
    expect(fitPoints(rules, lead({ campaign: 'Autumn', tags: ['x'] }))).toBe(2);
    expect(fitPoints(rules, lead(qualified(1000, 'EUR')))).toBe(8);
    expect(fitPoints(rules, lead(qualified(999, 'EUR')))).toBe(0);
    expect(fitPoints(rules, lead(qualified(5000, 'USD')))).toBe(0);
    expect(fitPoints(rules, lead({ source: 'cold_outreach', phone: '+44 1' }))).toBe(16);
  });

  it('decays engagement from its rank exactly as from each interaction, at any moment', () => {
    const rules = DEFAULT_SCORING_RULES;
    const history = engaged(['note', 400], ['call', 45], ['meeting', 3], ['task', 0], ['email', 900]);
    const rank = engagementRank(rules, history.interactions!.engagements);
    for (const moment of [at, daysBefore(-90), daysBefore(-3000)]) {
      const direct = scoreLead(defaults, lead(history), moment).engagement;
      expect(engagementFromRank(rules, rank, moment)).toBeCloseTo(direct, 2);
    }
    expect(engagementRank(rules, [])).toBeNull();
    expect(engagementFromRank(rules, null, at)).toBe(0);
  });

  it('orders leads by rank as by engagement at every moment', () => {
    const a = engaged(['meeting', 60]).interactions!.engagements;
    const b = engaged(['note', 1], ['note', 2]).interactions!.engagements;
    const rankA = engagementRank(DEFAULT_SCORING_RULES, a)!;
    const rankB = engagementRank(DEFAULT_SCORING_RULES, b)!;
    // meeting: 15 / 4 = 3.75; notes: about 5.8
    expect(rankB).toBeGreaterThan(rankA);
    for (const moment of [at, daysBefore(-365)]) {
      const engagementA = scoreLead(
        defaults,
        lead({ interactions: { ...noInteractions(), engagements: a } }),
        moment,
      );
      const engagementB = scoreLead(
        defaults,
        lead({ interactions: { ...noInteractions(), engagements: b } }),
        moment,
      );
      expect(engagementB.engagement).toBeGreaterThanOrEqual(engagementA.engagement);
    }
  });
});

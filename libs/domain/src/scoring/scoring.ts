import type { Decider, DomainCommand, DomainEvent } from '../shared/message';
import {
  DEFAULT_SCORING_RULES,
  type ScoringRules,
  assertScoringRules,
  normalizedRules,
} from './scoring-rules';

/** The one stream of scoring configuration. */
export const SCORING_RULES_STREAM = 'scoring-rules';

/** A rule set replaces the one before it for every lead, past interactions included. */
export interface ScoringRulesDefinedData extends ScoringRules {
  /** 2 for the first rule set defined; the default rule set is version 1. */
  readonly version: number;
  readonly definedAt: string;
}

export type ScoringRulesDefined = DomainEvent<'ScoringRulesDefined', ScoringRulesDefinedData>;
export type ScoringEvent = ScoringRulesDefined;

export type DefineScoringRules = DomainCommand<'DefineScoringRules', { readonly rules: ScoringRules }>;
export type ScoringCommand = DefineScoringRules;

export interface ScoringRuleSet {
  readonly version: number;
  readonly rules: ScoringRules;
  /** null for the default rule set, which no event defined. */
  readonly definedAt: string | null;
}

/** The rule set in effect: the default until one is defined. */
export type ScoringState = ScoringRuleSet;

export const initialScoringState = (): ScoringState => ({
  version: 1,
  rules: DEFAULT_SCORING_RULES,
  definedAt: null,
});

export function evolveScoring(_state: ScoringState, event: ScoringEvent): ScoringState {
  const { version, definedAt, ...rules } = event.data;
  return { version, rules: normalizedRules(rules), definedAt };
}

/** Defining the rule set in effect again changes nothing (a PUT is idempotent). */
export function decideScoring(command: ScoringCommand, state: ScoringState): ScoringEvent[] {
  assertScoringRules(command.data.rules);
  const rules = normalizedRules(command.data.rules);
  if (JSON.stringify(rules) === JSON.stringify(normalizedRules(state.rules))) return [];
  return [
    {
      type: 'ScoringRulesDefined',
      data: { version: state.version + 1, ...rules, definedAt: command.metadata.now },
    },
  ];
}

export const scoringDecider: Decider<ScoringCommand, ScoringState, ScoringEvent> = {
  initialState: initialScoringState,
  decide: decideScoring,
  evolve: evolveScoring,
};

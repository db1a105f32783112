import {
  SCORING_RULES_STREAM,
  type ScoringCommand,
  type ScoringRuleSet,
  type ScoringRules,
  scoringDecider,
} from '@app/domain';
import { Injectable } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { AggregateLoader } from '../commands/aggregate-loader';
import type { CommandMeta, CommandResult } from '../commands/command-meta';

/** The rule set in effect at a moment, and the revision of the scoring-rules stream then (-1: the default). */
export interface RuleSetInEffect {
  readonly ruleSet: ScoringRuleSet;
  readonly revision: number;
}

/**
 * The scoring use cases: an admin defines the rule set (configuration in the log, one stream); scores read
 * the rule set in effect at their moment. The default rule set is in effect before any is defined, at
 * revision -1, so that If-Match "-1" defines the first one only if nobody did.
 */
@Injectable()
export class ScoringCommands {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly loader: AggregateLoader,
  ) {}

  /** The rule set in effect now, or at a past moment. */
  async inEffect(asOf?: Date): Promise<RuleSetInEffect> {
    const { state, revision } = await this.loader.load(SCORING_RULES_STREAM, scoringDecider, asOf);
    return { ruleSet: state, revision };
  }

  /** Defines the rule set every lead is scored with from now on; the one in effect again changes nothing. */
  define(rules: ScoringRules, meta: CommandMeta): Promise<CommandResult> {
    return this.executor.execute({
      streamId: SCORING_RULES_STREAM,
      aggregateId: SCORING_RULES_STREAM,
      decider: scoringDecider,
      command: (now): ScoringCommand => ({ type: 'DefineScoringRules', data: { rules }, metadata: { now } }),
      meta,
    });
  }
}

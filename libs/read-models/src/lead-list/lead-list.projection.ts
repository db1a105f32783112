import {
  type CapturedLead,
  SCORING_RULES_STREAM,
  type ScoringEvent,
  type ScoringRuleSet,
  engagementRank,
  evolveLead,
  evolveScoring,
  fitPoints,
  initialLeadState,
  initialScoringState,
  isLeadEvent,
  isScoringEvent,
} from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from '../projection';

export const LEADS = 'leads';
/** The rule set the lead list scored its leads with, in one document (LEAD_SCORING_RULES_ID). */
export const LEAD_SCORING = 'lead_scoring';
export const LEAD_SCORING_RULES_ID = 'rules';

/**
 * The shape of the lead list's documents. Version 2: leads carry their owner; version 3: their interactions,
 * fit and engagement rank. The projection's version is this and the rule set's (see leadListVersion).
 */
export const LEAD_LIST_SHAPE_VERSION = 3;

/**
 * A lead as lists show it: its current state (folded with the domain's own evolve), its revision, and what
 * its score is made of under the lead list's rule set: `fit` (fitPoints) and `engagementRank` (the
 * time-independent form of its engagement, null without any), so that lists order and filter leads by
 * their score at any moment (see scored-leads).
 */
export type LeadDoc = Doc &
  CapturedLead & {
    readonly revision: number;
    readonly fit: number;
    readonly engagementRank: number | null;
  };

/** The rule set the scores of the lead list's documents were computed with. */
export type LeadScoringDoc = Doc & ScoringRuleSet;

/** The lead list's version under a rule set: a new rule set is a new version, which rebuilds it. */
export const leadListVersion = (ruleSet: Pick<ScoringRuleSet, 'version'>): number =>
  LEAD_LIST_SHAPE_VERSION * 1_000_000 + ruleSet.version;

const leadRef = (event: RecordedEvent): DocRef => ({
  collection: LEADS,
  id: event.streamId.slice('lead-'.length),
});
const RULES_REF: DocRef = { collection: LEAD_SCORING, id: LEAD_SCORING_RULES_ID };

/** The rule set in effect after these events of the scoring-rules stream. */
const ruleSetAfter = (events: readonly RecordedEvent[]): ScoringRuleSet =>
  events.reduce(
    (ruleSet, event) => evolveScoring(ruleSet, event as unknown as ScoringEvent),
    initialScoringState(),
  );

/**
 * The lead list, with each lead scored under a rule set. A new rule set in the log replaces the projection
 * with the one built with it (see ProjectionConfiguration): every lead is scored again from the start.
 */
export function leadListProjectionFor(ruleSet: ScoringRuleSet): Projection {
  const { rules } = ruleSet;
  const rulesDoc: LeadScoringDoc = { id: LEAD_SCORING_RULES_ID, ...ruleSet };
  return {
    name: 'lead-list',
    version: leadListVersion(ruleSet),
    collections: [
      {
        name: LEADS,
        indexes: [
          { field: 'status' },
          { field: 'source' },
          { field: 'owner' },
          { field: 'capturedAt' },
          { field: 'tags', multi: true },
          { field: 'fit' },
          { field: 'engagementRank' },
          // The broad filters, each with the orders of the lists: by score (fit, engagementRank) and newest first.
          ...(['status', 'source'] as const).flatMap((filter) =>
            (['fit', 'engagementRank', 'capturedAt'] as const).map((field) => ({ field, after: [filter] })),
          ),
        ],
      },
      { name: LEAD_SCORING, indexes: [] },
    ],
    touches: (event) => (isLeadEvent(event) ? [leadRef(event), RULES_REF] : []),
    evolve(event: RecordedEvent, docs: DocLookup): DocChange[] {
      if (!isLeadEvent(event)) return [];
      const { collection, id } = leadRef(event);
      const current = docs(collection, id) as LeadDoc | undefined;
      const next = evolveLead(current ?? initialLeadState(), event);
      if (next.status === 'none') return [];
      const { engagements } = next.interactions;
      const rank =
        current && current.interactions.engagements.length === engagements.length
          ? current.engagementRank
          : engagementRank(rules, engagements);
      const lead: LeadDoc = {
        ...next,
        id,
        revision: event.revision,
        fit: fitPoints(rules, next),
        engagementRank: rank,
      };
      const changes: DocChange[] = [{ collection, id, doc: lead }];
      const stored = docs(RULES_REF.collection, RULES_REF.id) as LeadScoringDoc | undefined;
      if (stored?.version !== ruleSet.version) changes.push({ ...RULES_REF, doc: rulesDoc });
      return changes;
    },
    configuration: {
      load: async (events: EventStore) =>
        leadListProjectionFor(ruleSetAfter(await events.readStream(SCORING_RULES_STREAM))),
      next: (event) =>
        isScoringEvent(event) && event.data.version > ruleSet.version
          ? leadListProjectionFor(evolveScoring(ruleSet, event))
          : undefined,
    },
  };
}

/** The lead list under the default rule set; the runner builds it with the rule set in effect at start. */
export const leadListProjection: Projection = leadListProjectionFor(initialScoringState());

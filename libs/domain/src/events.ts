import type { AccessEvent } from './access/access.events';
import type { DealEvent, DealInteractionEvent } from './deal/deal.events';
import { dealCreatedV1ToV2 } from './deal/deal.upcasters';
import type { LeadEvent, LeadInteractionEvent } from './lead/lead.events';
import { INTERACTION_FACT_TYPES } from './interactions/interactions';
import type { PipelineEvent } from './pipeline/pipeline.events';
import type { ScoringEvent } from './scoring/scoring';

/**
 * Every event of the log: the sales pipeline's, and who was given access to it. The type names are public:
 * services subscribe to them.
 */
export type SalesEvent = LeadEvent | DealEvent | PipelineEvent | ScoringEvent | AccessEvent;
export type SalesEventType = SalesEvent['type'];

/** Schema version of each event type's data; bump it when a type's data changes shape, and add an upcaster. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<SalesEventType, number>> = {
  LeadCaptured: 1,
  LeadQualified: 1,
  LeadDisqualified: 1,
  LeadContactCorrected: 1,
  LeadInterestChanged: 1,
  LeadTagsChanged: 1,
  LeadOwnerChanged: 1,
  LeadReactivated: 1,
  LeadErased: 1,
  LeadNoteAdded: 1,
  LeadActivityScheduled: 1,
  LeadActivityCompleted: 1,
  LeadActivityRescheduled: 1,
  LeadActivityCancelled: 1,
  DealCreated: 2,
  StageAdvanced: 1,
  StageReverted: 1,
  DealWon: 1,
  DealLost: 1,
  DealValueChanged: 1,
  DealTitleChanged: 1,
  DealExpectedCloseDateChanged: 1,
  DealOwnerChanged: 1,
  DealProbabilityOverrideChanged: 1,
  DealReopened: 1,
  DealMovedToPipeline: 1,
  DealNoteAdded: 1,
  DealActivityScheduled: 1,
  DealActivityCompleted: 1,
  DealActivityRescheduled: 1,
  DealActivityCancelled: 1,
  PipelineDefined: 1,
  PipelineRenamed: 1,
  PipelineStageAdded: 1,
  PipelineStageRenamed: 1,
  PipelineStageProbabilityChanged: 1,
  PipelineStageRottingPeriodChanged: 1,
  PipelineStagesReordered: 1,
  PipelineStageRetired: 1,
  ScoringRulesDefined: 1,
  ApiKeyIssued: 1,
  ApiKeyRevoked: 1,
};

export const EVENT_TYPES = Object.keys(EVENT_SCHEMA_VERSIONS) as SalesEventType[];

export const LEAD_EVENT_TYPES: readonly LeadEvent['type'][] = [
  'LeadCaptured',
  'LeadQualified',
  'LeadDisqualified',
  'LeadContactCorrected',
  'LeadInterestChanged',
  'LeadTagsChanged',
  'LeadOwnerChanged',
  'LeadReactivated',
  'LeadErased',
  ...INTERACTION_FACT_TYPES.map((type) => `Lead${type}` as const),
];
export const DEAL_EVENT_TYPES: readonly DealEvent['type'][] = [
  'DealCreated',
  'StageAdvanced',
  'StageReverted',
  'DealWon',
  'DealLost',
  'DealValueChanged',
  'DealTitleChanged',
  'DealExpectedCloseDateChanged',
  'DealOwnerChanged',
  'DealProbabilityOverrideChanged',
  'DealReopened',
  'DealMovedToPipeline',
  ...INTERACTION_FACT_TYPES.map((type) => `Deal${type}` as const),
];
export const PIPELINE_EVENT_TYPES: readonly PipelineEvent['type'][] = [
  'PipelineDefined',
  'PipelineRenamed',
  'PipelineStageAdded',
  'PipelineStageRenamed',
  'PipelineStageProbabilityChanged',
  'PipelineStageRottingPeriodChanged',
  'PipelineStagesReordered',
  'PipelineStageRetired',
];

export const SCORING_EVENT_TYPES: readonly ScoringEvent['type'][] = ['ScoringRulesDefined'];

export const ACCESS_EVENT_TYPES: readonly AccessEvent['type'][] = ['ApiKeyIssued', 'ApiKeyRevoked'];

const leadTypes = new Set<string>(LEAD_EVENT_TYPES);
const dealTypes = new Set<string>(DEAL_EVENT_TYPES);
const pipelineTypes = new Set<string>(PIPELINE_EVENT_TYPES);

export const isLeadEvent = (event: { type: string }): event is LeadEvent => leadTypes.has(event.type);
export const isDealEvent = (event: { type: string }): event is DealEvent => dealTypes.has(event.type);
export const isPipelineEvent = (event: { type: string }): event is PipelineEvent =>
  pipelineTypes.has(event.type);
const interactionTypes = new Set<string>(
  INTERACTION_FACT_TYPES.flatMap((type) => [`Lead${type}`, `Deal${type}`]),
);
/** A note or an activity, on a lead or a deal: the reports on the sales pipeline pass over them. */
export const isInteractionEvent = (event: {
  type: string;
}): event is LeadInteractionEvent | DealInteractionEvent => interactionTypes.has(event.type);

export const isScoringEvent = (event: { type: string }): event is ScoringEvent =>
  event.type === 'ScoringRulesDefined';
const accessTypes = new Set<string>(ACCESS_EVENT_TYPES);
export const isAccessEvent = (event: { type: string }): event is AccessEvent => accessTypes.has(event.type);

/** One step of an event type's data from a schema version to the next. */
type Upcaster = (data: never) => object;

/**
 * The upcasters, per event type and the version they upgrade from: an event stored at version n passes
 * through the steps n -> n + 1 -> ... up to EVENT_SCHEMA_VERSIONS. Each step lives beside its events.
 */
const UPCASTERS: Partial<Record<SalesEventType, Readonly<Record<number, Upcaster>>>> = {
  DealCreated: { 1: dealCreatedV1ToV2 },
};

/** An event as stored: what upcast needs to know of it. */
export interface StoredEventShape {
  readonly type: string;
  readonly data: object;
  readonly metadata: { readonly schemaVersion?: unknown };
}

/**
 * A stored event with its data in the current schema: the one place where older versions are upgraded, as
 * they are read (the log is never rewritten). An event already current, or of a type this version does not
 * know, is answered as it is; its metadata then says the version its data now has.
 */
export function upcast<E extends StoredEventShape>(event: E): E {
  const current = EVENT_SCHEMA_VERSIONS[event.type as SalesEventType] as number | undefined;
  const stored = typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : 1;
  if (current === undefined || stored >= current) return event;
  const steps = UPCASTERS[event.type as SalesEventType] ?? {};
  let data = event.data;
  for (let version = stored; version < current; version++) {
    const step = steps[version];
    if (!step) throw new Error(`no upcaster for ${event.type} from schema version ${version}`);
    data = step(data as never);
  }
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: current } };
}

import type { DealEvent } from './deal/deal.events';
import type { LeadEvent } from './lead/lead.events';

/** Every event of the sales pipeline. The type names are public: services subscribe to them. */
export type SalesEvent = LeadEvent | DealEvent;
export type SalesEventType = SalesEvent['type'];

/** Schema version of each event type's data; bump it when a type's data changes shape. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<SalesEventType, number>> = {
  LeadCaptured: 1,
  LeadQualified: 1,
  LeadDisqualified: 1,
  DealCreated: 1,
  StageAdvanced: 1,
  DealWon: 1,
  DealLost: 1,
};

export const EVENT_TYPES = Object.keys(EVENT_SCHEMA_VERSIONS) as SalesEventType[];

export const LEAD_EVENT_TYPES: readonly LeadEvent['type'][] = [
  'LeadCaptured',
  'LeadQualified',
  'LeadDisqualified',
];
export const DEAL_EVENT_TYPES: readonly DealEvent['type'][] = [
  'DealCreated',
  'StageAdvanced',
  'DealWon',
  'DealLost',
];

export const isLeadEvent = (event: { type: string }): event is LeadEvent =>
  (LEAD_EVENT_TYPES as readonly string[]).includes(event.type);
export const isDealEvent = (event: { type: string }): event is DealEvent =>
  (DEAL_EVENT_TYPES as readonly string[]).includes(event.type);

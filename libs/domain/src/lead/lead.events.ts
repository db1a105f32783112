import type { DomainEvent } from '../shared/message';
import type { Money } from '../shared/values';

export interface LeadCapturedData {
  readonly leadId: string;
  readonly name: string;
  readonly email: string;
  readonly company?: string;
  readonly phone?: string;
  readonly source: string;
  readonly campaign?: string;
  readonly interest?: string;
  readonly tags: readonly string[];
  readonly capturedAt: string;
}

export interface LeadQualifiedData {
  readonly leadId: string;
  readonly budget: Money;
  /** Expected decision date, YYYY-MM-DD. */
  readonly timeline: string;
  readonly authority?: string;
  readonly need?: string;
  readonly note?: string;
  readonly qualifiedAt: string;
}

export const DISQUALIFICATION_REASONS = [
  'no_budget',
  'no_need',
  'unreachable',
  'competitor',
  'duplicate',
  'spam',
  'other',
] as const;

export type DisqualificationReason = (typeof DISQUALIFICATION_REASONS)[number];

export interface LeadDisqualifiedData {
  readonly leadId: string;
  readonly reason: DisqualificationReason;
  readonly note?: string;
  readonly disqualifiedAt: string;
}

export type LeadCaptured = DomainEvent<'LeadCaptured', LeadCapturedData>;
export type LeadQualified = DomainEvent<'LeadQualified', LeadQualifiedData>;
export type LeadDisqualified = DomainEvent<'LeadDisqualified', LeadDisqualifiedData>;

export type LeadEvent = LeadCaptured | LeadQualified | LeadDisqualified;

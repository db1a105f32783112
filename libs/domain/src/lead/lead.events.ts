import type { InteractionEvent } from '../interactions/interactions';
import type { ErasureNotice } from '../personal-data';
import type { DomainEvent } from '../shared/message';
import type { Money } from '../shared/values';

/** name, email, company and phone are the person's (see personal-data): null when read after erasure. */
export interface LeadCapturedData {
  readonly leadId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly company?: string;
  readonly phone?: string;
  readonly source: string;
  readonly campaign?: string;
  readonly interest?: string;
  readonly tags: readonly string[];
  readonly capturedAt: string;
  /** Never stored: set on the event as read once the person's data was erased (their fields then read null). */
  readonly erased?: ErasureNotice | null;
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

/** The contact fields a correction may change; name and email are never empty. */
export const CONTACT_FIELDS = ['name', 'email', 'phone', 'company'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** One contact field corrected, with its value before and after (null: not given). */
export interface LeadContactCorrectedData {
  readonly leadId: string;
  readonly field: ContactField;
  readonly from: string | null;
  readonly to: string | null;
  readonly correctedAt: string;
}

export interface LeadInterestChangedData {
  readonly leadId: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly changedAt: string;
}

export interface LeadTagsChangedData {
  readonly leadId: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly changedAt: string;
}

/** null: no owner. */
export interface LeadOwnerChangedData {
  readonly leadId: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly changedAt: string;
}

/**
 * The person's data was erased (GDPR Art. 17): their data key is destroyed, so the sealed personal fields of every
 * event about them can no longer be opened. The event itself holds no personal data.
 */
export interface LeadErasedData {
  readonly leadId: string;
  readonly reason: string;
  readonly erasedAt: string;
}

/** A disqualified lead is worked again: it is open (captured) and can be qualified or disqualified. */
export interface LeadReactivatedData {
  readonly leadId: string;
  readonly reason: string;
  readonly reactivatedAt: string;
}

export type LeadCaptured = DomainEvent<'LeadCaptured', LeadCapturedData>;
export type LeadQualified = DomainEvent<'LeadQualified', LeadQualifiedData>;
export type LeadDisqualified = DomainEvent<'LeadDisqualified', LeadDisqualifiedData>;

export type LeadContactCorrected = DomainEvent<'LeadContactCorrected', LeadContactCorrectedData>;
export type LeadInterestChanged = DomainEvent<'LeadInterestChanged', LeadInterestChangedData>;
export type LeadTagsChanged = DomainEvent<'LeadTagsChanged', LeadTagsChangedData>;
export type LeadOwnerChanged = DomainEvent<'LeadOwnerChanged', LeadOwnerChangedData>;
export type LeadReactivated = DomainEvent<'LeadReactivated', LeadReactivatedData>;
export type LeadErased = DomainEvent<'LeadErased', LeadErasedData>;

/** Notes and activities on the lead: LeadNoteAdded, LeadActivityScheduled, ... (see interactions). */
export type LeadInteractionEvent = InteractionEvent<'Lead', 'leadId'>;

export type LeadEvent =
  | LeadInteractionEvent
  | LeadCaptured
  | LeadQualified
  | LeadDisqualified
  | LeadContactCorrected
  | LeadInterestChanged
  | LeadTagsChanged
  | LeadOwnerChanged
  | LeadReactivated
  | LeadErased;

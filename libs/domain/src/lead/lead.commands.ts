import type { Interaction } from '../interactions/interactions';
import type { DomainCommand } from '../shared/message';
import type { Money } from '../shared/values';
import type { DisqualificationReason } from './lead.events';

export type CaptureLead = DomainCommand<
  'CaptureLead',
  {
    readonly leadId: string;
    readonly name: string;
    readonly email: string;
    readonly company?: string;
    readonly phone?: string;
    readonly source: string;
    readonly campaign?: string;
    readonly interest?: string;
    readonly tags?: readonly string[];
  }
>;

export type QualifyLead = DomainCommand<
  'QualifyLead',
  {
    readonly leadId: string;
    readonly budget: Money;
    readonly timeline: string;
    readonly authority?: string;
    readonly need?: string;
    readonly note?: string;
  }
>;

export type DisqualifyLead = DomainCommand<
  'DisqualifyLead',
  {
    readonly leadId: string;
    readonly reason: DisqualificationReason;
    readonly note?: string;
  }
>;

/** Merge semantics: each field given and different from the lead's is changed; null clears an optional one. */
export type UpdateLead = DomainCommand<
  'UpdateLead',
  {
    readonly leadId: string;
    readonly name?: string;
    readonly email?: string;
    readonly phone?: string | null;
    readonly company?: string | null;
    readonly interest?: string | null;
    readonly tags?: readonly string[];
    readonly owner?: string | null;
  }
>;

export type ReactivateLead = DomainCommand<
  'ReactivateLead',
  { readonly leadId: string; readonly reason: string }
>;

/** Erases the person's data: allowed whatever the lead's status, once. */
export type EraseLead = DomainCommand<'EraseLead', { readonly leadId: string; readonly reason: string }>;

/** A note or an activity on the lead. */
export type RecordLeadInteraction = DomainCommand<
  'RecordLeadInteraction',
  { readonly leadId: string; readonly interaction: Interaction }
>;

export type LeadCommand =
  | CaptureLead
  | QualifyLead
  | DisqualifyLead
  | UpdateLead
  | ReactivateLead
  | RecordLeadInteraction
  | EraseLead;

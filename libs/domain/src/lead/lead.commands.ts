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

export type LeadCommand = CaptureLead | QualifyLead | DisqualifyLead;

import type { LeadState } from '../lead/lead.state';
import type { DomainCommand } from '../shared/message';
import type { Money } from '../shared/values';

export type CreateDeal = DomainCommand<
  'CreateDeal',
  {
    readonly dealId: string;
    readonly leadId: string;
    readonly title: string;
    readonly value: Money;
    readonly expectedCloseDate: string;
    readonly owner?: string;
    /** The lead as the caller found it: a deal needs a qualified lead. */
    readonly lead: LeadState;
  }
>;

export type AdvanceStage = DomainCommand<'AdvanceStage', { readonly dealId: string; readonly stage: string }>;

export type WinDeal = DomainCommand<'WinDeal', { readonly dealId: string; readonly note?: string }>;

export type LoseDeal = DomainCommand<
  'LoseDeal',
  { readonly dealId: string; readonly reason: string; readonly competitor?: string; readonly note?: string }
>;

export type DealCommand = CreateDeal | AdvanceStage | WinDeal | LoseDeal;

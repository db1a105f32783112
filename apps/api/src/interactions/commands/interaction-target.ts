import type { DealCommands, LeadCommands } from '@app/application';

/** The lead or the deal an interaction is recorded on, as the path names it. */
export interface InteractionTarget {
  readonly kind: 'lead' | 'deal';
  readonly id: string;
}

/** The use cases of the target's kind: leads and deals take interactions alike. */
export const useCasesFor = (
  target: InteractionTarget,
  leads: LeadCommands,
  deals: DealCommands,
): LeadCommands | DealCommands => (target.kind === 'lead' ? leads : deals);

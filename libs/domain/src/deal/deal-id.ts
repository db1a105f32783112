import { nameBasedUuid } from '../shared/ids';

/** Namespace of the deal ids derived from lead ids (a fixed, random UUID). */
const DEAL_NAMESPACE = '5b8f3c1e-8a4d-4f7b-9c2e-6d1a0e3f7b42';

/**
 * The id of the one deal a lead converts into, derived from the lead id. Whoever creates the deal for a
 * lead (a person or the automation) writes to the same stream, so the store's expected-revision check
 * makes "at most one deal per lead" hold under any concurrency, in one process or many.
 */
export function dealIdForLead(leadId: string): string {
  const lead = leadId.toLowerCase();
  const derived = nameBasedUuid(DEAL_NAMESPACE, lead);
  if (lead[14] !== '7') return derived;
  // A time-ordered lead id (version 7) passes its time on: the deal id keeps the lead's 48 bits of
  // milliseconds and takes the rest from the name-based hash (version 8, RFC 9562's custom layout), so deals
  // are stored in the order their leads came, like the leads themselves.
  return `${lead.slice(0, 14)}8${derived.slice(15)}`;
}

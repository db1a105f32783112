import { nameBasedUuid } from '../shared/ids';

/** Namespace of the deal ids derived from lead ids (a fixed, random UUID). */
const DEAL_NAMESPACE = '5b8f3c1e-8a4d-4f7b-9c2e-6d1a0e3f7b42';

/**
 * The id of the one deal a lead converts into, derived from the lead id. Whoever creates the deal for a
 * lead (a person or the automation) writes to the same stream, so the store's expected-revision check
 * makes "at most one deal per lead" hold under any concurrency, in one process or many.
 */
export const dealIdForLead = (leadId: string): string => nameBasedUuid(DEAL_NAMESPACE, leadId.toLowerCase());

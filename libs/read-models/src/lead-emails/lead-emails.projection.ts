import type { LeadCapturedData, LeadContactCorrectedData } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocRef, DocumentReader, Projection } from '../projection';

export const LEAD_EMAILS = 'lead_emails';

/**
 * A lead's email as duplicate detection finds it: a keyed digest (HMAC) of the normalised address, never the
 * address. It lives here and not in the log, so that erasing the person deletes it with the rest.
 */
export interface LeadEmailDoc extends Doc {
  /** The lead's id. */
  readonly id: string;
  readonly emailDigest: string;
}

/**
 * Leads by the digest of their email. The digest is keyed by a secret of the service (emailDigester), which
 * the projection is built with.
 */
export function leadEmailsProjection(digest: (email: string) => string): Projection {
  return {
    name: 'lead-emails',
    version: 1,
    collections: [{ name: LEAD_EMAILS, indexes: [{ field: 'emailDigest' }] }],
    touches: (event) => (emailOf(event) === undefined ? [] : [refOf(event)]),
    evolve(event: RecordedEvent): DocChange[] {
      const email = emailOf(event);
      if (email === undefined) return [];
      const ref = refOf(event);
      // null: erased, or corrected away; the lead is then found by no address.
      return [{ ...ref, doc: email === null ? null : { id: ref.id, emailDigest: digest(email) } }];
    },
  };
}

const refOf = (event: RecordedEvent): DocRef => ({
  collection: LEAD_EMAILS,
  id: event.streamId.slice('lead-'.length),
});

/** The lead's email after this event (null: none any more), or undefined when the event does not change it. */
function emailOf(event: RecordedEvent): string | null | undefined {
  if (event.type === 'LeadCaptured') return (event.data as unknown as LeadCapturedData).email;
  if (event.type === 'LeadContactCorrected') {
    const data = event.data as unknown as LeadContactCorrectedData;
    return data.field === 'email' ? data.to : undefined;
  }
  return event.type === 'LeadErased' ? null : undefined;
}

/** The ids of the leads whose email has this digest, as far as the lead emails have seen (at most `limit`). */
export async function leadIdsWithEmailDigest(
  reader: DocumentReader,
  emailDigest: string,
  limit = 100,
): Promise<string[]> {
  const docs = await reader.find<LeadEmailDoc>(LEAD_EMAILS, { where: { emailDigest }, limit });
  return docs.map((doc) => doc.id);
}

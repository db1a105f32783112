/**
 * Which fields of an event are a person's data, and whose. The layer beneath the domain seals these fields
 * with the person's data key before the event is appended, and opens them as events are read; erasing the
 * person destroys the key, and from then on the fields read as null in every event that held them. Everything
 * else in an event stays readable: amounts, stages, dates and ids are the business's, not the person's.
 *
 * A lead is a person: their contact fields, the titles of the deals made for them (the automation titles a
 * deal "Company: Name"; a person may type a name into a title too), and what people wrote about them in free
 * text on the lead (notes, the qualification's authority, need and note, the reasons and notes of a
 * disqualification or a reactivation) are theirs. Activity subjects and outcomes are the seller's agenda and
 * stay readable; a note that must not outlive the person belongs in a note.
 */
export interface PersonalFields {
  /** Whose data: the key the fields are sealed with (see personalDataSubject). */
  readonly subject: string;
  /** The data fields that are personal, when present in the event. */
  readonly fields: readonly string[];
}

/** The key a lead's personal data is sealed with. */
export const personalDataSubject = (leadId: string): string => `lead-${leadId}`;

/** The lead a subject names. */
export const leadIdOfSubject = (subject: string): string => subject.slice('lead-'.length);

const LEAD_CONTACT_FIELDS = ['name', 'email', 'company', 'phone'] as const;
const CHANGE_FIELDS = ['from', 'to'] as const;

/** The personal fields of an event in the current schema or an older one; undefined when it holds none. */
export function personalFieldsOf(event: {
  readonly type: string;
  readonly data: object;
}): PersonalFields | undefined {
  const data = event.data as Readonly<Record<string, unknown>>;
  const leadId = typeof data['leadId'] === 'string' ? data['leadId'] : undefined;
  if (leadId === undefined) return undefined;
  const subject = personalDataSubject(leadId);
  switch (event.type) {
    case 'LeadCaptured':
      return { subject, fields: LEAD_CONTACT_FIELDS };
    case 'LeadContactCorrected':
      return { subject, fields: CHANGE_FIELDS };
    case 'DealCreated':
      return { subject, fields: ['title'] };
    // Title changes name their deal's lead from this version on; older ones hold the title in the clear.
    case 'DealTitleChanged':
      return { subject, fields: CHANGE_FIELDS };
    case 'LeadNoteAdded':
      return { subject, fields: ['text'] };
    case 'LeadQualified':
      return { subject, fields: ['authority', 'need', 'note'] };
    case 'LeadDisqualified':
      return { subject, fields: ['note'] };
    case 'LeadReactivated':
      return { subject, fields: ['reason'] };
    default:
      return undefined;
  }
}

/** When and why a person's data was erased, as an event read after it says (see `erased` on opened data). */
export interface ErasureNotice {
  readonly at: string;
  readonly reason: string;
}

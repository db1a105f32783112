import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { Problem } from '@app/api-client';
import { problemDetail } from '../api';
import { leadHash } from '../route';
import { type ViewProps, may } from '../view-props';

/** The lead sources the API names; another slug is accepted too. */
const SOURCES = [
  'web_form',
  'landing_page',
  'social_media',
  'referral',
  'event',
  'paid_ads',
  'cold_outreach',
  'other',
];

const FIELDS = [
  { name: 'name', label: 'Name', type: 'text', autocomplete: 'name' },
  { name: 'email', label: 'Email', type: 'email', autocomplete: 'email' },
  { name: 'company', label: 'Company', type: 'text', autocomplete: 'organization' },
  { name: 'source', label: 'Source', type: 'text', autocomplete: 'off' },
  { name: 'tags', label: 'Tags', type: 'text', autocomplete: 'off' },
] as const;

type FieldName = (typeof FIELDS)[number]['name'];
type Values = Record<FieldName, string>;

const EMPTY: Values = { name: '', email: '', company: '', source: 'web_form', tags: '' };

type Outcome =
  | { readonly kind: 'captured'; readonly leadId: string }
  | {
      readonly kind: 'refused';
      readonly detail: string;
      readonly fields: Partial<Record<FieldName, string>>;
    };

/** The body of POST /leads: empty optional fields left out, tags split on commas. */
function bodyOf(values: Values) {
  const tags = values.tags
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
  return {
    name: values.name.trim(),
    email: values.email.trim(),
    source: values.source.trim(),
    ...(values.company.trim() === '' ? {} : { company: values.company.trim() }),
    ...(tags.length === 0 ? {} : { tags }),
  };
}

/** The problem's field errors by form field (`tags[1]` is the Tags field's). */
function fieldErrors(problem: Partial<Problem>): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  for (const { field, reason } of problem.errors ?? []) {
    const name = FIELDS.find(
      (f) => field === f.name || field.startsWith(`${f.name}[`) || field.startsWith(`${f.name}.`),
    );
    if (name) errors[name.name] = errors[name.name] ? `${errors[name.name]}; ${reason}` : reason;
  }
  return errors;
}

/** Captures a lead (POST /leads): the answer, or the fields the API refused and why. */
export function CaptureLeadForm({
  api,
  me,
  onCommand,
  disabled,
}: ViewProps & { readonly disabled: boolean }) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    const { data, error, response } = await api.POST('/leads', { body: bodyOf(values) });
    setSending(false);
    if (data) {
      setOutcome({ kind: 'captured', leadId: data.id });
      setValues(EMPTY);
      onCommand(data.position);
    } else {
      setOutcome({
        kind: 'refused',
        detail: problemDetail(error, response),
        fields: fieldErrors(error ?? {}),
      });
    }
  };

  const refusedFields = outcome?.kind === 'refused' ? outcome.fields : {};
  return (
    <details class="capture">
      <summary>Capture a lead</summary>
      <form aria-label="Capture a lead" noValidate onSubmit={(event) => void submit(event)}>
        {FIELDS.map((field) => {
          const id = `capture-${field.name}`;
          const error = refusedFields[field.name];
          return (
            <Fragment key={id}>
              <label for={id}>{field.label}</label>
              <input
                id={id}
                name={field.name}
                type={field.type}
                autocomplete={field.autocomplete}
                list={field.name === 'source' ? 'capture-sources' : undefined}
                placeholder={field.name === 'tags' ? 'enterprise, hot' : undefined}
                value={values[field.name]}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                onInput={(event) => setValues({ ...values, [field.name]: event.currentTarget.value })}
              />
              {error && (
                <p class="field-error" id={`${id}-error`}>
                  {error}
                </p>
              )}
            </Fragment>
          );
        })}
        <datalist id="capture-sources">
          {SOURCES.map((source) => (
            <option key={source} value={source} />
          ))}
        </datalist>
        <button type="submit" class="submit" disabled={disabled || sending}>
          Capture lead
        </button>
      </form>
      {outcome?.kind === 'captured' && (
        <p class="ok" role="status">
          Lead captured:{' '}
          {may(me, 'histories') ? <a href={leadHash(outcome.leadId)}>{outcome.leadId}</a> : outcome.leadId}
        </p>
      )}
      {outcome?.kind === 'refused' && (
        <p class="problem" role="alert">
          {outcome.detail}
        </p>
      )}
    </details>
  );
}

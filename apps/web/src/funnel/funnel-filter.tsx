import { useRef, useState } from 'preact/hooks';

/** The funnel's filter: a period [from, to) as calendar dates, and a lead source; '' for none. */
export interface FunnelFilter {
  readonly from: string;
  readonly to: string;
  readonly source: string;
}

export const NO_FILTER: FunnelFilter = { from: '', to: '', source: '' };

/** The period of a filter as the reports' query takes it: only the bounds given. */
export const periodOf = ({ from, to }: FunnelFilter) => ({
  ...(from ? { from } : {}),
  ...(to ? { to } : {}),
});

interface FunnelFilterFormProps {
  readonly filter: FunnelFilter;
  readonly onApply: (filter: FunnelFilter) => void;
  /** Sources seen in the reports so far, offered as suggestions. */
  readonly knownSources: readonly string[];
}

/** From, To and Source, applied together; the reports refetch with them. */
export function FunnelFilterForm({ filter, onApply, knownSources }: FunnelFilterFormProps) {
  const [draft, setDraft] = useState<FunnelFilter>(filter);
  const seen = useRef(new Set<string>());
  knownSources.forEach((source) => seen.current.add(source));
  const sources = [...seen.current].sort();
  const edit = (field: keyof FunnelFilter) => (event: Event) =>
    setDraft({ ...draft, [field]: (event.currentTarget as HTMLInputElement).value.trim() });
  return (
    <form
      class="funnel-filter"
      aria-label="Funnel filter"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <p class="funnel-filter-help" id="funnel-filter-help">
        The period counts the leads captured in it, the stage moves made in it, and the deals expected to
        close or won in it. The source filters the lead funnel.
      </p>
      <label>
        From
        <input
          type="date"
          name="from"
          value={draft.from}
          onInput={edit('from')}
          aria-describedby="funnel-filter-help"
        />
      </label>
      <label>
        To
        <input
          type="date"
          name="to"
          value={draft.to}
          onInput={edit('to')}
          aria-describedby="funnel-filter-help"
        />
      </label>
      <label>
        Source
        <input
          type="text"
          name="source"
          list="funnel-sources"
          placeholder="all sources"
          value={draft.source}
          onInput={edit('source')}
        />
      </label>
      <datalist id="funnel-sources">
        {sources.map((source) => (
          <option key={source} value={source} />
        ))}
      </datalist>
      <button type="submit">Apply</button>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          setDraft(NO_FILTER);
          onApply(NO_FILTER);
        }}
      >
        Clear
      </button>
    </form>
  );
}

import type { ApiClient } from '@app/api-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatMoment } from './format';
import { type Me, may } from './view-props';

/** Without the log's first event (a key that may not read the log), the slider reaches this far back. */
const FALLBACK_SPAN_MS = 365 * 24 * 3600 * 1000;
/** The views follow the slider once it rests this long. */
const SETTLE_MS = 150;

/** When the log begins: its first event's moment, for keys that may read the log. */
async function firstEventMoment(api: ApiClient, me: Me): Promise<number | null> {
  if (!may(me, 'events')) return null;
  const { data } = await api.GET('/events', {
    params: { query: { limit: 1 } },
    headers: { accept: 'application/json' },
  });
  const first = data && typeof data === 'object' ? data.events[0] : undefined;
  return first ? Date.parse(first.metadata.occurredAt) : null;
}

interface TimeTravelProps {
  readonly api: ApiClient;
  readonly me: Me;
  readonly asOf: string | null;
  readonly onTravel: (asOf: string | null) => void;
}

/**
 * The time-travel slider: from the log's first event to now. Set, every view shows the past (the API's asOf)
 * until "Back to now". Arrow keys move a hundredth of the span, Page Up and Page Down a tenth, Home and End to
 * either end.
 */
export function TimeTravel({ api, me, asOf, onTravel }: TimeTravelProps) {
  const [first, setFirst] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [draft, setDraft] = useState<number | null>(null);
  const settle = useRef<number | undefined>(undefined);

  useEffect(() => {
    void firstEventMoment(api, me).then(setFirst, () => setFirst(null));
  }, [api, me]);
  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(tick);
  }, []);
  useEffect(() => () => window.clearTimeout(settle.current), []);

  const min = Math.min(first ?? now - FALLBACK_SPAN_MS, now - 1000);
  const max = Math.max(now, asOf === null ? now : Date.parse(asOf));
  const value = draft ?? (asOf === null ? max : Date.parse(asOf));

  const travelTo = (moment: number) => {
    const bounded = Math.min(Math.max(moment, min), max);
    setDraft(bounded);
    window.clearTimeout(settle.current);
    settle.current = window.setTimeout(() => {
      setDraft(null);
      onTravel(bounded >= max ? null : new Date(bounded).toISOString());
    }, SETTLE_MS);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const span = max - min;
    const moves: Record<string, number> = {
      ArrowLeft: -span / 100,
      ArrowDown: -span / 100,
      ArrowRight: span / 100,
      ArrowUp: span / 100,
      PageDown: -span / 10,
      PageUp: span / 10,
      Home: -span,
      End: span,
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    travelTo(value + move);
  };

  return (
    <div class="time-travel">
      <label for="time-travel">Time travel</label>
      <input
        id="time-travel"
        type="range"
        min={min}
        max={max}
        step="any"
        value={value}
        aria-valuetext={asOf === null && draft === null ? 'now' : formatMoment(value)}
        onFocus={() => setNow(Date.now())}
        onPointerDown={() => setNow(Date.now())}
        onInput={(event) => travelTo(Number(event.currentTarget.value))}
        onKeyDown={onKeyDown}
      />
      <output for="time-travel">{asOf === null && draft === null ? 'Now' : formatMoment(value)}</output>
      <button
        type="button"
        class="secondary"
        disabled={asOf === null && draft === null}
        onClick={() => {
          window.clearTimeout(settle.current);
          setDraft(null);
          setNow(Date.now());
          onTravel(null);
        }}
      >
        Back to now
      </button>
    </div>
  );
}

import type { ApiClient } from '@app/api-client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { EventSourceParserStream } from 'eventsource-parser/stream';

/** A notice of GET /changes: that an event was appended. */
interface ChangeNotice {
  readonly position: string;
  readonly streamId: string;
  readonly type: string;
}

/** Notices arriving within this time are one refresh. */
const DEBOUNCE_MS = 200;
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 15_000;

export interface LiveChanges {
  /** Increments once per burst of notices (and per command of this page): views refetch on it. */
  readonly changes: number;
  /** The latest position seen: minPosition for what views read next. */
  readonly seenPosition: string | null;
  /** Whether the stream of notices is open. */
  readonly connected: boolean;
  /** Records a command of this page (its answer's position): every view refetches including it. */
  readonly onCommand: (position: string) => void;
}

const later = (a: string | null, b: string): string => (a === null || BigInt(b) > BigInt(a) ? b : a);

/**
 * Follows GET /changes with fetch and a streaming reader (EventSource cannot send Authorization): from
 * `startAfter` (a position the page has read, so that the changes made since are heard) or else from the
 * stream's start, resuming after the last position seen, and reconnecting with a growing delay when it breaks.
 */
export function useLiveChanges(api: ApiClient, startAfter: string | null): LiveChanges {
  const [changes, setChanges] = useState(0);
  const [seenPosition, setSeenPosition] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const pending = useRef<number | undefined>(undefined);

  const bump = (position: string) => {
    setSeenPosition((seen) => later(seen, position));
    if (pending.current !== undefined) return;
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      setChanges((n) => n + 1);
    }, DEBOUNCE_MS);
  };
  const bumpRef = useRef(bump);
  bumpRef.current = bump;

  useEffect(() => {
    const stop = new AbortController();
    void follow(api, startAfter, stop.signal, (notice) => bumpRef.current(notice.position), setConnected);
    return () => {
      stop.abort();
      window.clearTimeout(pending.current);
    };
  }, [api, startAfter]);

  // The same function at every render: the board's cards, memoised, are not drawn again for a new one.
  const onCommand = useCallback((position: string) => {
    setSeenPosition((seen) => later(seen, position));
    setChanges((n) => n + 1);
  }, []);
  return { changes, seenPosition, connected, onCommand };
}

async function follow(
  api: ApiClient,
  startAfter: string | null,
  signal: AbortSignal,
  onNotice: (notice: ChangeNotice) => void,
  setConnected: (connected: boolean) => void,
): Promise<void> {
  let after = startAfter ?? undefined;
  let retryMs = FIRST_RETRY_MS;
  while (!signal.aborted) {
    try {
      const { response } = await api.GET('/changes', {
        params: { query: after === undefined ? {} : { after } },
        headers: { accept: 'text/event-stream' },
        parseAs: 'stream',
        signal,
      });
      if (!response.ok || !response.body) throw new Error(`GET /changes answered ${response.status}`);
      setConnected(true);
      retryMs = FIRST_RETRY_MS;
      const messages = response.body
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream())
        .getReader();
      for (;;) {
        const { value: message, done } = await messages.read();
        if (done) break;
        if (message.event !== 'change') continue;
        const notice = JSON.parse(message.data) as ChangeNotice;
        after = notice.position;
        onNotice(notice);
      }
    } catch {
      // Broken, refused or aborted: tried again below unless the page stopped following.
    }
    setConnected(false);
    if (signal.aborted) return;
    await new Promise((resolve) => window.setTimeout(resolve, retryMs));
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  }
}

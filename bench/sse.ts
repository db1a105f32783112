import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { EventSource } from 'eventsource';
import { startService, stopService } from '../test/support/service-process';
import { ADMIN_AUTHORIZATION } from '../test/support/test-keys';
import { leadCaptured } from './sample-events';
import { type Figure, latencies } from './stats';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** EventSource with the admin key: the stream is for admins, auditors and services. */
const AUTHORIZED = {
  fetch: (input: string | URL | Request, init: RequestInit & { headers?: Record<string, string> }) =>
    fetch(input, { ...init, headers: { ...init.headers, ...ADMIN_AUTHORIZATION } }),
};

/** Writes the log straight into DATA_DIR/events.sqlite before the service starts: HTTP would take minutes. */
async function seed(dataDir: string, count: number): Promise<void> {
  const db = openSqliteDatabase(join(dataDir, 'events.sqlite'));
  const store = new SqliteEventStore(db);
  try {
    for (let done = 0; done < count; done += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, count - done) }, (_, k) =>
          store.appendToStream(`lead-${randomUUID()}`, [leadCaptured(done + k)], {
            expectedRevision: 'no_stream',
          }),
        ),
      );
    }
  } finally {
    await store.close();
    db.close();
  }
}

/** Resolves once `condition` holds, checking every few milliseconds. */
async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/**
 * GET /events on the built service: (a) how fast one EventSource consumer catches up on a log of `events`
 * events; (b) with `consumers` consumers following from the end, the lag from sending POST /leads to each
 * consumer receiving the event, over `appends` captures sent a few milliseconds apart.
 */
export async function sseFigures(events = 100_000, consumers = 100, appends = 200): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sse-'));
  const sources: EventSource[] = [];
  await seed(dataDir, events);
  const service = await startService({ DATA_DIR: dataDir, AUTO_CREATE_DEALS: 'false' });
  try {
    // (a) Catch-up: one consumer from the start, counting messages (it does not parse them).
    let received = 0;
    const start = performance.now();
    const catchUp = new EventSource(`${service.url}/events`, AUTHORIZED);
    sources.push(catchUp);
    catchUp.addEventListener('LeadCaptured', () => (received += 1));
    await until(() => received >= events, 'the catch-up', 600_000);
    const catchUpSeconds = (performance.now() - start) / 1000;
    catchUp.close();

    // (b) Live fan-out: every consumer follows from the end; each capture is timed from just before it is sent.
    const arrivals = new Map<string, number[]>();
    let opened = 0;
    for (let c = 0; c < consumers; c++) {
      const source = new EventSource(`${service.url}/events?from=end`, AUTHORIZED);
      sources.push(source);
      source.addEventListener('open', () => (opened += 1));
      source.addEventListener('LeadCaptured', (event) => {
        const at = performance.now();
        const list = arrivals.get(event.lastEventId);
        if (list) list.push(at);
        else arrivals.set(event.lastEventId, [at]);
      });
    }
    await until(() => opened === consumers, 'the consumers to connect', 60_000);

    const sentAt = new Map<string, number>();
    const answered: number[] = [];
    const posts: Promise<void>[] = [];
    const liveStart = performance.now();
    for (let i = 0; i < appends; i++) {
      const sent = performance.now();
      posts.push(
        fetch(`${service.url}/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...ADMIN_AUTHORIZATION },
          body: JSON.stringify({ name: `Live ${i}`, email: `live${i}@example.com`, source: 'web_form' }),
        }).then(async (response) => {
          const { position } = (await response.json()) as { position: string };
          answered.push(performance.now() - sent);
          sentAt.set(position, sent);
        }),
      );
      await sleep(5);
    }
    await Promise.all(posts);
    await until(
      () => [...sentAt.keys()].every((position) => arrivals.get(position)?.length === consumers),
      'every consumer to receive every capture',
      120_000,
    );
    const liveSeconds = (performance.now() - liveStart) / 1000;
    const lags = [...sentAt].flatMap(([position, sent]) =>
      (arrivals.get(position) ?? []).map((at) => at - sent),
    );

    return [
      {
        name: `sse: catch-up of ${events.toLocaleString('en-US')} events, one EventSource consumer`,
        unit: 'events/s',
        rate: events / catchUpSeconds,
        note: `${catchUpSeconds.toFixed(1)} s`,
      },
      {
        name: `sse: live fan-out to ${consumers} consumers, POST /leads sent to event received`,
        unit: 'deliveries/s',
        rate: lags.length / liveSeconds,
        ...latencies(lags),
        // The lag includes the command itself (decided, made durable, then published): its answer is given for scale.
        note: `${appends} captures 5 ms apart, ${lags.length} deliveries; POST answered in p50 ${latencies(answered).p50Ms.toFixed(1)} ms`,
      },
    ];
  } finally {
    for (const source of sources) source.close();
    await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dataDir}-keys`, { recursive: true, force: true });
  }
}

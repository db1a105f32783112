import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { EventSource } from 'eventsource';

/**
 * An example of a service following the sales pipeline's event stream (GET /events) with a standard
 * EventSource client. It prints each event and keeps a checkpoint, the id (log position) of the last event
 * it handled, so that a restart resumes after it: events are handled at least once, and in log order.
 *
 *   EVENTS_URL       the stream (default http://localhost:3000/events)
 *   CHECKPOINT_FILE  where the checkpoint is kept (default ./consumer-checkpoint.txt)
 *   TYPES            only these event types, comma-separated (default: all of them)
 *   CATEGORY         only the streams of this category, such as deal (default: all)
 */

/** The event types the service publishes. An EventSource hands a named event only to listeners of that name. */
const EVENT_TYPES = [
  'LeadCaptured',
  'LeadQualified',
  'LeadDisqualified',
  'DealCreated',
  'StageAdvanced',
  'DealWon',
  'DealLost',
];

interface EventMessage {
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

const checkpointFile = resolve(process.env['CHECKPOINT_FILE'] ?? 'consumer-checkpoint.txt');
const types = process.env['TYPES'] ? process.env['TYPES'].split(',').map((t) => t.trim()) : EVENT_TYPES;
const category = process.env['CATEGORY'];

function readCheckpoint(): string | undefined {
  let text: string;
  try {
    text = readFileSync(checkpointFile, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!/^\d+$/.test(text)) throw new Error(`${checkpointFile} does not hold a log position: "${text}"`);
  return text;
}

/**
 * Written to a temporary file, flushed to disk, then renamed over the checkpoint: a crash at any point leaves
 * the old checkpoint or the new one, never half of one.
 */
function writeCheckpoint(position: string): void {
  const temporary = `${checkpointFile}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, `${position}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, checkpointFile);
}

/** What this service does with an event. It may see an event again after a crash, so it must be idempotent. */
function handle(message: EventMessage): void {
  process.stdout.write(
    `${message.position} ${message.type} ${message.streamId}@${message.revision} ${JSON.stringify(message.data)}\n`,
  );
}

let checkpoint = readCheckpoint();
const url = new URL(process.env['EVENTS_URL'] ?? 'http://localhost:3000/events');
// The first connection starts after the checkpoint; on its own reconnects the client sends Last-Event-ID,
// which the server prefers to this.
if (checkpoint !== undefined) url.searchParams.set('after', checkpoint);
if (process.env['TYPES']) url.searchParams.set('types', types.join(','));
if (category) url.searchParams.set('category', category);

process.stderr.write(`following ${url.href} (checkpoint in ${checkpointFile})\n`);
// The stream is for admins, auditors and service keys: API_KEY is such a key (an admin issues it).
const apiKey = process.env['API_KEY'];
if (!apiKey) {
  process.stderr.write('API_KEY must hold an API key with the service (or auditor, admin) role\n');
  process.exit(1);
}
const source = new EventSource(url, {
  fetch: (input, init) =>
    fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${apiKey}` } }),
});

for (const type of types) {
  source.addEventListener(type, (event) => {
    // The server sends no duplicates; this only guards the checkpoint against going backwards.
    if (checkpoint !== undefined && BigInt(event.lastEventId) <= BigInt(checkpoint)) return;
    handle(JSON.parse(String(event.data)) as EventMessage);
    writeCheckpoint(event.lastEventId);
    checkpoint = event.lastEventId;
  });
}

source.addEventListener('stream-closed', (event) => {
  const { reason } = JSON.parse(String(event.data)) as { reason: string };
  process.stderr.write(
    `the server ended the stream (${reason}); reconnecting after ${checkpoint ?? 'the start'}\n`,
  );
});
source.addEventListener('error', (event) => {
  // A refused request (a bad parameter: 400) closes the client for good; a dropped connection is retried.
  if (source.readyState === EventSource.CLOSED) {
    process.stderr.write(`cannot follow the stream: ${event.message ?? 'refused'}\n`);
    process.exit(1);
  }
  process.stderr.write(`connection lost (${event.message ?? 'closed'}); reconnecting\n`);
});

process.on('SIGINT', () => {
  source.close();
  process.exit(0);
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type EventStore, type Position, START, SqliteEventStore, storedEventsOf } from '@app/event-store';
import type { AppConfig } from '../config/app-config';

/** What the main thread and the projection thread tell each other. */
export type ThreadMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  /** Events were appended up to this position (a string: positions are bigints). */
  | { readonly type: 'appended'; readonly head: string }
  | { readonly type: 'stop' };

/**
 * The compiled worker entry beside this file, when projections should run on a thread: with
 * RUN_PROJECTIONS and PROJECTION_THREAD, and only in the built service (a worker cannot load TypeScript
 * sources, so the tests of the sources run the projections on the main thread).
 */
export function projectionThreadScript(config: AppConfig): string | undefined {
  if (!config.runProjections || !config.projectionThread || !__filename.endsWith('.js')) return undefined;
  const script = join(__dirname, 'projection-worker.js');
  return existsSync(script) ? script : undefined;
}

/**
 * Keeps two event stores on the same log awake to each other's appends: each side forwards its own appends
 * and is woken by the other's, without echoing back what it was told.
 */
export class AppendRelay {
  private peerHead: Position = START;

  constructor(
    private readonly events: EventStore,
    private readonly send: (message: ThreadMessage) => void,
  ) {}

  start(): () => void {
    return this.events.onAppended((head) => {
      if (head > this.peerHead) this.send({ type: 'appended', head: head.toString() });
    });
  }

  received(head: string): void {
    const position = BigInt(head);
    if (position > this.peerHead) this.peerHead = position;
    // Another connection wrote: wake this store's readers. EventStoreDB wakes them through its subscription.
    const stored = storedEventsOf(this.events);
    if (stored instanceof SqliteEventStore) stored.notifyAppended(position);
  }
}

/**
 * The main thread's side: starts the projection thread (projections and the automation on stores of its own),
 * relays appends both ways, and stops it so that the batch in hand commits or not at all.
 */
export class ProjectionThread {
  private worker: Worker | undefined;
  private stopping = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly script: string,
    private readonly config: AppConfig,
    private readonly events: EventStore,
    private readonly log: { error: (message: string) => void },
  ) {}

  async start(): Promise<void> {
    const worker = new Worker(this.script, {
      workerData: { config: { ...this.config, runProjections: true, projectionThread: false } },
    });
    this.worker = worker;
    const relay = new AppendRelay(this.events, (message) => worker.postMessage(message));
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the projection thread exited with ${code}`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.on('message', (message: ThreadMessage) => {
        if (message.type === 'ready') {
          worker.off('error', reject);
          worker.off('exit', onExit);
          resolve();
        } else if (message.type === 'failed') {
          reject(new Error(`the projection thread could not start: ${message.error}`));
        } else if (message.type === 'appended') {
          relay.received(message.head);
        }
      });
    });
    worker.on('error', (error) => this.log.error(`projection thread: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => {
      if (!this.stopping)
        this.log.error(`the projection thread stopped (exit code ${code}): read models lag`);
    });
    this.unsubscribe = relay.start();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopping = true;
    this.unsubscribe?.();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ThreadMessage);
    const timer = setTimeout(() => void worker.terminate(), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

import { randomUUID } from 'node:crypto';
import { randomBytesFromPool } from './random-pool';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DataKeyStore } from './data-key-store.port';
import { DATA_KEY_BYTES } from './envelope';
import type { KeyWrapper } from './key-wrapper';

/** A data key made ahead of use: its id in the store (where it is durable already) and the key itself. */
export interface FreshDataKey {
  readonly kid: string;
  readonly key: Buffer;
}

/** Makes data keys for persons not yet seen: each random, wrapped and durable in the store before it is answered. */
export abstract class KeyMaker {
  abstract make(count: number): Promise<FreshDataKey[]>;
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** On this thread: the creates of one call share one transaction of the store (its group commit). */
export class InlineKeyMaker extends KeyMaker {
  constructor(
    private readonly store: DataKeyStore,
    private readonly wrapper: KeyWrapper,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {
    super();
  }

  async make(count: number): Promise<FreshDataKey[]> {
    const made: FreshDataKey[] = [];
    const stored: { subject: string; wrapped: Buffer }[] = [];
    for (let i = 0; i < count; i++) {
      const kid = `key-${randomUUID()}`;
      const key = randomBytesFromPool(DATA_KEY_BYTES);
      made.push({ kid, key });
      stored.push({ subject: kid, wrapped: await this.wrapper.wrap(key, kid) });
    }
    await this.store.createFresh(stored, this.now());
    return made;
  }
}

/** What the key maker's thread is asked, and answers. */
export type KeyMakerMessage =
  | { readonly type: 'make'; readonly id: number; readonly count: number }
  | { readonly type: 'made'; readonly id: number; readonly keys: readonly { kid: string; key: Uint8Array }[] }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

/**
 * On a worker thread of its own, with its own connection to the store: making a key costs an AES-GCM wrap and
 * a share of a durable write, which the thread serving requests then never waits for (measured in the bench:
 * captures with sealed personal data). The keys come back to this thread by message. Started on first use,
 * so a process that never meets a new person (a projector) never starts it.
 */
export class ThreadKeyMaker extends KeyMaker {
  private worker: Worker | undefined;
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (keys: FreshDataKey[]) => void; reject: (error: Error) => void }
  >();

  constructor(
    private readonly script: string,
    private readonly workerData: unknown,
  ) {
    super();
  }

  make(count: number): Promise<FreshDataKey[]> {
    const worker = this.started();
    const id = this.next++;
    return new Promise<FreshDataKey[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'make', id, count } satisfies KeyMakerMessage);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: this.workerData });
    // Waiting for keys keeps the process alive; an idle key maker does not.
    worker.unref();
    worker.on('message', (message: KeyMakerMessage) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.type === 'made') {
        waiting.resolve(message.keys.map(({ kid, key }) => ({ kid, key: Buffer.from(key) })));
      } else if (message.type === 'failed') {
        waiting.reject(new Error(`the key maker could not make keys: ${message.error}`));
      }
    });
    const fail = (error: Error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      this.worker = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the key maker thread exited with ${code}`)));
    this.worker = worker;
    return worker;
  }

  override async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

/** The key maker thread's script, in the built service only (a worker cannot load TypeScript sources). */
export function keyMakerThreadScript(): string | undefined {
  if (!__filename.endsWith('.js')) return undefined;
  const script = join(__dirname, 'key-maker-worker.js');
  return existsSync(script) ? script : undefined;
}

import { parentPort, workerData } from 'node:worker_threads';
import type { AppConfig } from '../config/app-config';
import { openDataKeyStore } from './data-key-stores';
import { InlineKeyMaker, type KeyMakerMessage } from './key-maker';
import { LocalKeyWrapper } from './key-wrapper';
import { loadOrCreateMasterKey } from './master-key';

/** Entry of the key maker thread started by ThreadKeyMaker: makes keys on its own connection to the store. */
async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { config } = workerData as { config: AppConfig };
  const store = await openDataKeyStore(config);
  const maker = new InlineKeyMaker(
    store,
    new LocalKeyWrapper(loadOrCreateMasterKey(config.masterKeyFile).key),
  );
  port.on('message', (message: KeyMakerMessage) => {
    if (message.type !== 'make') return;
    maker.make(message.count).then(
      (keys) => {
        const answer = keys.map(({ kid, key }) => ({ kid, key: new Uint8Array(key) }));
        // Each copy has a buffer of its own: moved to the other thread, not copied again.
        port.postMessage(
          { type: 'made', id: message.id, keys: answer } satisfies KeyMakerMessage,
          answer.map(({ key }) => key.buffer),
        );
        for (const { key } of keys) key.fill(0);
      },
      (error: unknown) =>
        port.postMessage({
          type: 'failed',
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        } satisfies KeyMakerMessage),
    );
  });
}

if (parentPort) {
  const port = parentPort;
  main(port).catch((error: unknown) => {
    process.stderr.write(`the key maker thread could not start: ${String(error)}\n`);
    process.exit(1);
  });
}

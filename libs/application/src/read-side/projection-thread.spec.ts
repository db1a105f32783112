import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Position, SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { AppendRelay, type ThreadMessage } from './projection-thread';

describe('AppendRelay', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'relay-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const event = () => ({
    id: randomUUID(),
    type: 'Tested',
    data: {},
    metadata: {
      occurredAt: new Date().toISOString(),
      actor: 't',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      schemaVersion: 1,
    },
  });

  it("wakes each store's readers with the other's appends, once, without echoing them back", async () => {
    const file = join(dir, 'events.sqlite');
    const main = new SqliteEventStore(openSqliteDatabase(file));
    const thread = new SqliteEventStore(openSqliteDatabase(file));
    const sent: ThreadMessage[] = [];
    // Messages cross as between threads: asynchronously.
    const peers: { thread?: AppendRelay; main?: AppendRelay } = {};
    const mainRelay = new AppendRelay(main, (m) => {
      sent.push(m);
      setImmediate(() => m.type === 'appended' && peers.thread?.received(m.head));
    });
    const threadRelay = new AppendRelay(thread, (m) => {
      sent.push(m);
      setImmediate(() => m.type === 'appended' && peers.main?.received(m.head));
    });
    peers.thread = threadRelay;
    peers.main = mainRelay;
    mainRelay.start();
    threadRelay.start();
    const wokenInThread: Position[] = [];
    const wokenInMain: Position[] = [];
    thread.onAppended((head) => wokenInThread.push(head));
    main.onAppended((head) => wokenInMain.push(head));

    const first = await main.appendToStream(`test-${randomUUID()}`, [event()]);
    const second = await thread.appendToStream(`test-${randomUUID()}`, [event()]);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(wokenInThread).toEqual([first.position, second.position]);
    expect(wokenInMain).toEqual([first.position, second.position]);
    expect(sent).toEqual([
      { type: 'appended', head: first.position.toString() },
      { type: 'appended', head: second.position.toString() },
    ]);
    await main.close();
    await thread.close();
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, leadDecider, leadStream } from '@app/domain';
import { SqliteEventStore, openSqliteDatabase } from '@app/event-store';
import { AggregateCommandExecutor } from './aggregate-command.executor';

describe('AggregateCommandExecutor', () => {
  let dir: string;
  let store: SqliteEventStore;
  let executor: AggregateCommandExecutor;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'executor-'));
    store = new SqliteEventStore(openSqliteDatabase(join(dir, 'events.sqlite')));
    executor = new AggregateCommandExecutor(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const capture = (leadId: string, fresh: boolean, key?: string) =>
    executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now) => ({
        type: 'CaptureLead' as const,
        data: { leadId, name: 'Ada', email: 'ada@example.com', source: 'web_form' as const },
        metadata: { now },
      }),
      meta: {
        actor: 'test',
        correlationId: randomUUID(),
        commandId: randomUUID(),
        ...(key ? { idempotency: { key, fingerprint: 'same-body' } } : {}),
      },
      fresh,
    });

  it('appends to a fresh stream without reading it first', async () => {
    const leadId = randomUUID();
    const read = jest.spyOn(store, 'readStream');
    await expect(capture(leadId, true)).resolves.toMatchObject({ id: leadId, revision: 0 });
    expect(read).not.toHaveBeenCalled();
    expect((await store.readStream(leadStream(leadId))).map((e) => e.type)).toEqual(['LeadCaptured']);
  });

  it('still refuses when a stream said to be fresh exists: the store checks no_stream, the decider decides again', async () => {
    const leadId = randomUUID();
    await capture(leadId, false);
    const head = await store.headPosition();
    await expect(capture(leadId, true)).rejects.toBeInstanceOf(DomainError);
    expect(await store.headPosition()).toBe(head);
  });

  it('a decision without events writes nothing and answers where the aggregate is', async () => {
    const leadId = randomUUID();
    const captured = await capture(leadId, false);
    const head = await store.headPosition();
    const unchanged = await executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now, state) => ({
        type: 'UpdateLead' as const,
        data: { leadId, name: state.status === 'none' ? 'x' : (state.name ?? 'x') },
        metadata: { now },
      }),
      meta: { actor: 'test', correlationId: randomUUID(), commandId: randomUUID() },
    });
    expect(unchanged).toEqual(captured);
    expect(await store.headPosition()).toBe(head);
  });

  it('an Idempotency-Key is scoped to its aggregate: the same key on another lead is another request', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const a = await capture(first, false, 'key-1');
    const b = await capture(second, false, 'key-1');
    expect(b.id).toBe(second);
    expect(BigInt(b.position)).toBeGreaterThan(BigInt(a.position));
    expect(await capture(first, false, 'key-1')).toEqual(a);
    expect(await capture(second, false, 'key-1')).toEqual(b);
  });
});

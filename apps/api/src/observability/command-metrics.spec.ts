import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AggregateCommandExecutor,
  ContentionError,
  IdempotencyKeyReusedError,
  RevisionMismatchError,
} from '@app/application';
import { DomainError, leadDecider, leadStream } from '@app/domain';
import { SqliteEventStore, StoreUnavailableError, openSqliteDatabase } from '@app/event-store';
import { CommandMetrics, refusalClass } from './command-metrics';
import { Metrics } from './metrics';

describe('CommandMetrics', () => {
  let dir: string;
  let db: ReturnType<typeof openSqliteDatabase>;
  let store: SqliteEventStore;
  let metrics: Metrics;
  let executor: AggregateCommandExecutor;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'command-metrics-'));
    db = openSqliteDatabase(join(dir, 'events.sqlite'));
    store = new SqliteEventStore(db);
    metrics = new Metrics();
    executor = new AggregateCommandExecutor(store, new CommandMetrics(metrics));
  });
  afterEach(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  });

  const meta = (expectedRevision?: number) => ({
    actor: 'test',
    correlationId: randomUUID(),
    commandId: randomUUID(),
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
  });
  const capture = (leadId: string, expectedRevision?: number) =>
    executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now) => ({
        type: 'CaptureLead' as const,
        data: { leadId, name: 'Ada', email: 'ada@example.com', source: 'web_form' as const },
        metadata: { now },
      }),
      meta: meta(expectedRevision),
    });
  const disqualify = (leadId: string) =>
    executor.execute({
      streamId: leadStream(leadId),
      aggregateId: leadId,
      decider: leadDecider,
      command: (now) => ({
        type: 'DisqualifyLead' as const,
        data: { leadId, reason: 'no_budget' as const },
        metadata: { now },
      }),
      meta: meta(),
    });

  const counted = async () =>
    (await metrics.commands.get()).values.map(({ labels, value }) => ({ ...labels, value }));

  it('counts a command that succeeds by its aggregate and type, and passes its answer on', async () => {
    const leadId = randomUUID();
    await expect(capture(leadId)).resolves.toMatchObject({ id: leadId, revision: 0 });
    expect(await counted()).toEqual([
      { aggregate: 'lead', type: 'CaptureLead', outcome: 'success', value: 1 },
    ]);
  });

  it('counts a refusal with the class of its rule, and rethrows it unchanged', async () => {
    await expect(disqualify(randomUUID())).rejects.toBeInstanceOf(DomainError);
    expect(await counted()).toEqual([
      { aggregate: 'lead', type: 'DisqualifyLead', outcome: 'refused', code_class: 'not_found', value: 1 },
    ]);
  });

  it('counts an If-Match refused before the command was built as of an unknown type', async () => {
    const leadId = randomUUID();
    await capture(leadId);
    await expect(capture(leadId, 5)).rejects.toBeInstanceOf(RevisionMismatchError);
    expect(await counted()).toEqual(
      expect.arrayContaining([
        { aggregate: 'lead', type: 'unknown', outcome: 'refused', code_class: 'precondition', value: 1 },
      ]),
    );
  });

  it('counts a failure that is no refusal as an error', async () => {
    jest.spyOn(store, 'appendToStream').mockRejectedValue(new StoreUnavailableError('the disk is full'));
    await expect(capture(randomUUID())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await counted()).toEqual([{ aggregate: 'lead', type: 'CaptureLead', outcome: 'error', value: 1 }]);
  });

  it('classes every refusal of the command path', () => {
    expect(refusalClass(new DomainError('X', 'conflict', 'no'))).toBe('conflict');
    expect(refusalClass(new DomainError('X', 'invalid', 'no', 'field'))).toBe('invalid');
    expect(refusalClass(new RevisionMismatchError(1, 2))).toBe('precondition');
    expect(refusalClass(new IdempotencyKeyReusedError())).toBe('idempotency');
    expect(refusalClass(new ContentionError('id', 20))).toBe('contention');
    expect(refusalClass(new Error('boom'))).toBeUndefined();
  });
});

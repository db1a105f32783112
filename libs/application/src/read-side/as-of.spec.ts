import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type SqliteDatabase, openSqliteDatabase } from '@app/event-store';
import Database from 'better-sqlite3';
import {
  type DocumentReader,
  type Projection,
  SnapshotKeeper,
  SqliteAsOfSnapshots,
  funnelProjection,
  funnelReport,
  pipelinesProjection,
} from '@app/read-models';
import { DataKeys } from '../personal-data/data-keys';
import { LocalKeyWrapper } from '../personal-data/key-wrapper';
import { InMemoryDataKeyStore } from '../personal-data/testing/in-memory-data-key-store';
import { PersonalDataEventStore } from '../storage/personal-data-event-store';
import { inCurrentSchema } from '../storage/stores';
import { AsOfFolder } from './as-of';

const leadId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const at = '2026-03-01T10:00:00.000Z';

/** A projection that keeps the data of every event it is given, as it is given. */
const seeing = (readsPersonalData: boolean): Projection & { seen: Record<string, unknown>[] } => {
  const seen: Record<string, unknown>[] = [];
  return {
    name: 'seeing',
    version: 1,
    collections: [],
    ...(readsPersonalData ? {} : { readsPersonalData: false as const }),
    touches: () => [],
    evolve: (event) => {
      seen.push(event.data);
      return [];
    },
    seen,
  };
};

describe('AsOfFolder', () => {
  let dir: string;
  let db: SqliteDatabase;
  let sealed: SqliteEventStore;
  let folder: AsOfFolder;
  let opened: PersonalDataEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-of-'));
    db = openSqliteDatabase(join(dir, 'events.sqlite'));
    sealed = new SqliteEventStore(db);
    opened = new PersonalDataEventStore(
      sealed,
      new DataKeys(new InMemoryDataKeyStore(), new LocalKeyWrapper(randomBytes(32))),
    );
    folder = new AsOfFolder(inCurrentSchema(opened), sealed);
    await opened.appendToStream(`lead-${leadId}`, [
      {
        id: randomUUID(),
        type: 'LeadCaptured',
        data: {
          leadId,
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          source: 'web_form',
          tags: [],
          capturedAt: at,
        },
        metadata: { occurredAt: at, actor: 'grace', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
      },
    ]);
  });

  afterEach(async () => {
    await sealed.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds projections that read personal data over the log opened', async () => {
    const projection = seeing(true);
    await folder.fold([projection], new Date('2026-03-02T00:00:00.000Z'));
    expect(projection.seen).toEqual([
      expect.objectContaining({ name: 'Ada Lovelace', email: 'ada@example.com' }),
    ]);
  });

  it('folds projections that read none over the log sealed: nothing is opened for them', async () => {
    const projection = seeing(false);
    await folder.fold([projection], new Date('2026-03-02T00:00:00.000Z'));
    expect(projection.seen).toHaveLength(1);
    expect(projection.seen[0]).toHaveProperty('$sealed');
    expect(JSON.stringify(projection.seen)).not.toContain('Ada');
  });

  it('opens the log when any of the projections folded together reads personal data', async () => {
    const [blind, reading] = [seeing(false), seeing(true)];
    await folder.fold([blind, reading], new Date('2026-03-02T00:00:00.000Z'));
    expect(blind.seen[0]).toMatchObject({ name: 'Ada Lovelace' });
    expect(reading.seen[0]).toMatchObject({ name: 'Ada Lovelace' });
  });

  describe('with snapshots', () => {
    const asOf = new Date('2026-03-02T00:00:00.000Z');
    const projections = [pipelinesProjection, funnelProjection];
    const funnel = (documents: DocumentReader, position: bigint) =>
      funnelReport(documents, {}, position.toString());
    let snapshotsDb: InstanceType<typeof Database>;
    let snapshots: SqliteAsOfSnapshots;

    beforeEach(async () => {
      snapshotsDb = new Database(':memory:');
      snapshots = new SqliteAsOfSnapshots(snapshotsDb);
      const keeper = new SnapshotKeeper(inCurrentSchema(sealed), snapshots, projections, { every: 1 });
      await keeper.load();
      await keeper.catchUp();
    });
    afterEach(() => snapshotsDb.close());

    it('answers a report from the snapshots exactly as the fold of the log', async () => {
      const withSnapshots = new AsOfFolder(inCurrentSchema(opened), sealed, snapshots);
      const full = await folder.fold(projections, asOf);
      const expected = await funnel(full.documents, full.position);
      expect(expected.sources).toEqual([expect.objectContaining({ source: 'web_form', captured: 1 })]);
      expect(await withSnapshots.report(projections, asOf, funnel)).toEqual(expected);
      expect(await snapshots.lastCut('funnel')).toMatchObject({ position: 1n });
    });

    it('answers again from the log a report whose snapshots were dropped while it read them', async () => {
      const withSnapshots = new AsOfFolder(inCurrentSchema(opened), sealed, snapshots);
      const answers: unknown[] = [];
      const answer = await withSnapshots.report(projections, asOf, async (documents, position) => {
        const report = await funnel(documents, position);
        // The first time: a keeper drops the funnel's snapshots (a new version) meanwhile.
        if (answers.length === 0) await snapshots.restart('funnel', funnelProjection.version + 1);
        answers.push(report);
        return report;
      });
      expect(answers).toHaveLength(2);
      const full = await folder.fold(projections, asOf);
      expect(answer).toEqual(await funnel(full.documents, full.position));
    });

    it('folds the log opened for a projection that reads personal data, snapshots or not', async () => {
      const withSnapshots = new AsOfFolder(inCurrentSchema(opened), sealed, snapshots);
      const projection = seeing(true);
      await withSnapshots.report([projection], asOf, () => Promise.resolve(undefined));
      expect(projection.seen).toEqual([expect.objectContaining({ name: 'Ada Lovelace' })]);
    });
  });
});

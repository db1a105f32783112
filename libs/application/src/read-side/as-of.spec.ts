import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type SqliteDatabase, openSqliteDatabase } from '@app/event-store';
import type { Projection } from '@app/read-models';
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

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-of-'));
    db = openSqliteDatabase(join(dir, 'events.sqlite'));
    sealed = new SqliteEventStore(db);
    const opened = new PersonalDataEventStore(
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
});

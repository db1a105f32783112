import { join } from 'node:path';
import { SERVICE_PROJECTIONS } from '@app/application';
import { EventStore, openSqliteDatabase } from '@app/event-store';
import { type Projection, ProjectionRunner, ReadStore } from '@app/read-models';
import { type TestApp, lead, problemOf, removeDataDir, startApp } from './support/test-app';

/** What the old version's documents say, so that the answers tell them from the rebuilt ones. */
const OLD_COMPANY = 'as the old version wrote it';

interface LeadItem {
  readonly id: string;
  readonly company?: string | null;
}

interface ProjectionHealth {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: string;
  readonly caughtUp: boolean;
  readonly rebuilding?: { readonly version: number; readonly checkpoint: string; readonly caughtUp: boolean };
}

/**
 * The lead list's documents marked as written by the version before this one, as an upgrade finds them: the
 * checkpoint of the previous version, the company of each lead changed so that the old documents show.
 */
function leaveLeadListOfPreviousVersion(dataDir: string): void {
  const db = openSqliteDatabase(join(dataDir, 'read-models.sqlite'));
  try {
    db.prepare(`UPDATE checkpoints SET version = version - 1000000 WHERE name = 'lead-list'`).run();
    db.prepare(`UPDATE doc_leads SET doc = json_set(doc, '$.company', ?)`).run(OLD_COMPANY);
  } finally {
    db.close();
  }
}

describe('A projection whose version changed, rebuilt beside the documents the service answers with', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    if (!t) return;
    await t.close();
    removeDataDir(t.dataDir);
    t = undefined;
  });

  /**
   * A data directory with three leads, whose lead list was written by the version before (the app stopped):
   * its directory, the leads as that list answered them, and the log position they were written up to.
   */
  const threeLeadsListedByTheVersionBefore = async () => {
    t = await startApp();
    const dataDir = t.dataDir;
    for (const company of ['Initech', 'Globex', 'Umbrella']) {
      await t.http().post('/leads').send(lead({ company })).expect(201);
    }
    const written = await t.store.headPosition();
    const before = (await t.http().get(`/leads?minPosition=${written}`).expect(200)).body.items as LeadItem[];
    await t.close();
    leaveLeadListOfPreviousVersion(dataDir);
    return { dataDir, before, written };
  };

  it('answers the old documents, not nothing, while the new version is built, then the new ones', async () => {
    const { dataDir, before, written } = await threeLeadsListedByTheVersionBefore();
    expect(before.map((l) => l.company).sort()).toEqual(['Globex', 'Initech', 'Umbrella']);

    // The service again, its projections run by a projector stepped here batch by batch (two events each).
    t = await startApp(dataDir, { RUN_PROJECTIONS: 'false', READ_WAIT_MS: '50' });
    const app = t.app;
    const projector = new ProjectionRunner(
      app.get(EventStore),
      app.get(ReadStore),
      app.get<readonly Projection[]>(SERVICE_PROJECTIONS),
      { batchSize: 2 },
    );
    const leadList = async () => {
      const health = await t!.http().get('/health').expect(200);
      const projections = health.body.details.readModels.projections as ProjectionHealth[];
      return projections.find((p) => p.name === 'lead-list')!;
    };
    // The old documents answer from the start, before the projector has done anything.
    const answered = (await t.http().get('/leads').expect(200)).body.items as LeadItem[];
    expect(answered.map((l) => l.company)).toEqual([OLD_COMPANY, OLD_COMPANY, OLD_COMPANY]);

    const seen: string[] = [];
    let captured: string | undefined;
    for (let step = 0; step < 50; step++) {
      await projector.advance();
      const status = await leadList();
      if (!status.rebuilding) break;
      // A lead captured while the lead list is rebuilt.
      captured ??= (
        await t
          .http()
          .post('/leads')
          .send(lead({ company: 'Hooli' }))
          .expect(201)
      ).body.position as string;
      // Mid-rebuild: the old documents answer, frozen at their checkpoint; the build's progress is shown.
      const answer = (await t.http().get('/leads').expect(200)).body.items as LeadItem[];
      expect(answer.map((l) => l.id).sort()).toEqual(before.map((l) => l.id).sort());
      expect(answer.every((l) => l.company === OLD_COMPANY)).toBe(true);
      const shown = await leadList();
      expect(shown).toMatchObject({ checkpoint: written.toString(), caughtUp: false });
      expect(shown.rebuilding?.version).toBe(shown.version + 1_000_000);
      expect(shown.rebuilding?.caughtUp).toBe(false);
      seen.push(status.rebuilding.checkpoint);
      // Read-your-writes waits for the swap: the documents it would read do not hold the position yet.
      const waiting = await t.http().get(`/leads?minPosition=${captured}`);
      expect(waiting.status).toBe(503);
      expect(problemOf(waiting).code).toBe('MIN_POSITION_NOT_REACHED');
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);

    const head = await t.store.headPosition();
    const swapped = await leadList();
    expect(swapped).toMatchObject({ checkpoint: head.toString(), caughtUp: true });
    expect(swapped.rebuilding).toBeUndefined();
    const after = (await t.http().get(`/leads?minPosition=${captured}`).expect(200)).body.items as LeadItem[];
    expect(after.map((l) => l.company).sort()).toEqual(['Globex', 'Hooli', 'Initech', 'Umbrella']);
    expect(after.filter((l) => l.company !== 'Hooli')).toEqual(before);
  });

  it('restarted with its projections in process, swaps the rebuilt lead list in by itself, no answer empty or mixed', async () => {
    const { dataDir, before, written } = await threeLeadsListedByTheVersionBefore();

    t = await startApp(dataDir);
    // Until the swap, the old documents; after it, the new: never none, never some of each.
    const companies: string[] = [];
    for (;;) {
      const answer = (await t.http().get('/leads').expect(200)).body.items as LeadItem[];
      expect(answer.map((l) => l.id).sort()).toEqual(before.map((l) => l.id).sort());
      const shown = [...new Set(answer.map((l) => (l.company === OLD_COMPANY ? 'old' : 'new')))];
      expect(shown).toHaveLength(1);
      companies.push(shown[0]!);
      if (shown[0] === 'new') break;
    }
    expect(companies.indexOf('new')).toBe(companies.length - 1);
    expect((await t.http().get(`/leads?minPosition=${written}`).expect(200)).body.items).toEqual(before);
    const health = await t.http().get('/health').expect(200);
    const projections = health.body.details.readModels.projections as ProjectionHealth[];
    expect(projections.filter((p) => p.rebuilding)).toEqual([]);
  });
});

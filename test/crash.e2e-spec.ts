import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { lead, newDataDir, removeDataDir } from './support/test-app';
import { type ServiceProcess, startService, stopService } from './support/service-process';
import { ADMIN_AUTHORIZATION } from './support/test-keys';

/**
 * Kills the built service with SIGKILL in the middle of a load of captures, restarts it, and checks that every
 * capture it acknowledged is there and the store is intact: durable acknowledgements, no half-written command.
 */
describe('Crash: SIGKILL mid-load', () => {
  const dataDir = newDataDir();
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    if (service) await stopService(service, 'SIGKILL');
    removeDataDir(dataDir);
  });

  it('loses no acknowledged capture and leaves the store intact', async () => {
    service = await startService({ DATA_DIR: dataDir });
    const acknowledged: string[] = [];
    let stop = false;
    let failures = 0;

    const worker = async () => {
      while (!stop) {
        const leadId = randomUUID();
        try {
          const response = await fetch(`${service!.url}/leads`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...ADMIN_AUTHORIZATION },
            body: JSON.stringify(lead({ leadId })),
          });
          if (response.status === 201) acknowledged.push(leadId);
          else failures += 1;
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 10));
    service.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await stopService(service);
    expect(failures).toBe(0);

    // The file as the crash left it: consistent, gapless, every event readable.
    const db = new Database(join(dataDir, 'events.sqlite'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db
        .prepare('SELECT position, stream_id, revision, type, data FROM events ORDER BY position')
        .all() as {
        position: number;
        stream_id: string;
        revision: number;
        type: string;
        data: string;
      }[];
      rows.forEach((row, i) => expect(row.position).toBe(i + 1));
      // The first start's admin key, then the captures.
      expect(rows.filter((row) => !row.stream_id.startsWith('lead-')).map((row) => row.type)).toEqual([
        'ApiKeyIssued',
      ]);
      rows
        .filter((row) => row.stream_id.startsWith('lead-'))
        .forEach((row) => {
          expect(row.revision).toBe(0);
          expect(row.type).toBe('LeadCaptured');
          expect(JSON.parse(row.data).leadId).toBe(row.stream_id.slice('lead-'.length));
        });
      const stored = new Set(rows.map((r) => r.stream_id.slice('lead-'.length)));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
    } finally {
      db.close();
    }

    // And the restarted service serves them all and takes new commands.
    service = await startService({ DATA_DIR: dataDir });
    for (const leadId of acknowledged) {
      const response = await fetch(`${service.url}/leads/${leadId}`, { headers: ADMIN_AUTHORIZATION });
      expect(response.status).toBe(200);
    }
    const after = await fetch(`${service.url}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN_AUTHORIZATION },
      body: JSON.stringify(lead()),
    });
    expect(after.status).toBe(201);
  });
});

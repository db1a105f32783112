import { randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  AsOfFolder,
  LocalKeyWrapper,
  type SealingKey,
  SqliteDataKeyStore,
  heldPersonalFields,
  loadConfig,
  loadOrCreateMasterKey,
  openAsOfSnapshots,
  openLog,
  openReadStore,
  sealEventData,
} from '@app/application';
import { DEFAULT_PIPELINE, dealIdForLead } from '@app/domain';
import {
  type EventStore,
  type SqliteDatabase,
  SqliteEventStore,
  openSqliteDatabase,
  timeOrderedUuid,
} from '@app/event-store';
import {
  ACTIVITIES,
  type DocChange,
  type DocumentReader,
  dealCountsProjection,
  funnelProjection,
  type Projection,
  firstOf,
  leadListRuleSet,
  leadsByScore,
  ProjectionRunner,
  type ReadStore,
  forecastReport,
  funnelReport,
  lossesReport,
  pipelineProjection,
  pipelineReport,
  pipelinesProjection,
  stagesReport,
} from '@app/read-models';
import { BUILT_API, startService, stopService } from '../test/support/service-process';
import { randomMoments } from './moments';
import { type Figure, latencies } from './stats';

const STAGES = DEFAULT_PIPELINE.stages.map((s) => s.stage);

const SOURCES = [
  'web_form',
  'landing_page',
  'social_media',
  'referral',
  'event',
  'paid_ads',
  'cold_outreach',
  'other',
];
const CURRENCIES = ['EUR', 'USD', 'GBP'];

/**
 * Writes a realistic log of about `target` events straight into the events table (one transaction per
 * 10,000 rows): leads from eight sources over a year, most qualified, deals moving through the stages,
 * won or lost. Ids are made as the service makes them: time-ordered lead and event ids, deal ids derived
 * from the lead's. Answers the time of the middle of the log, for as-of queries.
 */
/**
 * Writes a generated log of about `target` events straight into the file, with the personal fields sealed as
 * the service seals them: a data key per person, wrapped by the master key the service will find for this
 * data directory (DATA_DIR-keys/master.key), kept in its data key store.
 */
export async function writeLog(
  file: string,
  target: number,
): Promise<{ events: number; middle: string; from: string; to: string }> {
  const config = loadConfig({ DATA_DIR: dirname(file) });
  const wrapper = new LocalKeyWrapper(loadOrCreateMasterKey(config.masterKeyFile).key);
  const keys = new Map<string, SealingKey>();
  const keyOf = (subject: string): SealingKey => {
    let key = keys.get(subject);
    if (!key) {
      key = { kid: `key-${randomUUID()}`, key: randomBytes(32) };
      keys.set(subject, key);
    }
    return key;
  };
  const db = openSqliteDatabase(file);
  new SqliteEventStore(db);
  const insert = db.prepare(
    'INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const start = Date.UTC(2025, 0, 1);
  const step = (365 * 24 * 3600 * 1000) / (target / 5);
  let position = 0;
  let rows: unknown[][] = [];
  const flush = () => {
    db.transaction(() => rows.forEach((row) => insert.run(...row)))();
    rows = [];
  };
  const add = (
    streamId: string,
    revision: number,
    type: string,
    data: Record<string, unknown>,
    at: number,
  ) => {
    position += 1;
    const occurredAt = new Date(at).toISOString();
    const id = timeOrderedUuid(at);
    const personal = heldPersonalFields({ type, data });
    const stored = personal
      ? sealEventData(streamId, { id, type, data }, personal, keyOf(personal.subject))
      : data;
    rows.push([
      position,
      id,
      streamId,
      revision,
      type,
      JSON.stringify(stored),
      JSON.stringify({
        occurredAt,
        actor: 'bench',
        correlationId: randomUUID(),
        causationId: randomUUID(),
        schemaVersion: 1,
      }),
    ]);
    if (rows.length >= 10_000) flush();
  };
  for (let i = 0; position < target; i++) {
    const at = start + i * step;
    const leadId = timeOrderedUuid(at);
    const source = SOURCES[i % SOURCES.length]!;
    const owner = `owner-${i % 9}`;
    add(
      `lead-${leadId}`,
      0,
      'LeadCaptured',
      {
        leadId,
        name: `Lead ${i}`,
        email: `l${i}@example.com`,
        ...(i % 5 < 2 ? { company: `Company ${i % 1000}` } : {}),
        source,
        tags: i % 3 === 0 ? ['bench', `tag-${i % 7}`] : ['bench'],
        capturedAt: new Date(at).toISOString(),
      },
      at,
    );
    // Follow-ups on the lead: a note on every third, a call on every fourth (done on half of them).
    let leadRevision = 1;
    if (i % 3 === 0) {
      add(
        `lead-${leadId}`,
        leadRevision++,
        'LeadNoteAdded',
        {
          leadId,
          noteId: timeOrderedUuid(at + 100),
          text: 'Asked for pricing',
          addedAt: new Date(at + 100).toISOString(),
        },
        at + 100,
      );
    }
    if (i % 4 === 1) {
      const activityId = timeOrderedUuid(at + 200);
      add(
        `lead-${leadId}`,
        leadRevision++,
        'LeadActivityScheduled',
        {
          leadId,
          activityId,
          type: 'call',
          subject: 'First call',
          dueAt: new Date(at + 2 * 86_400_000).toISOString(),
          assignee: owner,
          scheduledAt: new Date(at + 200).toISOString(),
        },
        at + 200,
      );
      if (i % 8 === 1) {
        add(
          `lead-${leadId}`,
          leadRevision++,
          'LeadActivityCompleted',
          {
            leadId,
            activityId,
            type: 'call',
            outcome: 'interested',
            completedAt: new Date(at + 300).toISOString(),
          },
          at + 300,
        );
      }
    }
    if (i % 5 === 4) {
      add(
        `lead-${leadId}`,
        leadRevision,
        'LeadDisqualified',
        { leadId, reason: 'no_budget', disqualifiedAt: new Date(at + 1000).toISOString() },
        at + 1000,
      );
      continue;
    }
    const value = { amount: 10_000 + (i % 97) * 1_000, currency: CURRENCIES[i % CURRENCIES.length]! };
    add(
      `lead-${leadId}`,
      leadRevision,
      'LeadQualified',
      { leadId, budget: value, timeline: '2026-12-31', qualifiedAt: new Date(at + 1000).toISOString() },
      at + 1000,
    );
    const dealId = dealIdForLead(leadId);
    add(
      `deal-${dealId}`,
      0,
      'DealCreated',
      {
        dealId,
        leadId,
        title: `Deal ${i}`,
        value,
        expectedCloseDate: `2026-${String(1 + (i % 12)).padStart(2, '0')}-28`,
        stage: 'qualification',
        createdAt: new Date(at + 2000).toISOString(),
      },
      at + 2000,
    );
    const to = STAGES[1 + (i % 3)]!;
    const dealAt = (k: number) => new Date(at + k * 1000).toISOString();
    add(
      `deal-${dealId}`,
      1,
      'StageAdvanced',
      { dealId, from: 'qualification', to, advancedAt: dealAt(3) },
      at + 3000,
    );
    let revision = 2;
    const next = () => revision++;
    let stage: string = to;
    let current = value;
    // Some of the lifecycle the service has since pipelines became configurable: a renegotiated value, a
    // step back, an owner; the deals stay in the default pipeline.
    if (i % 4 === 0) {
      const changed = { amount: value.amount + 500, currency: value.currency };
      add(
        `deal-${dealId}`,
        next(),
        'DealValueChanged',
        { dealId, from: value, to: changed, changedAt: dealAt(3) },
        at + 3000,
      );
      current = changed;
    }
    if (i % 7 === 0 && stage !== 'qualification') {
      add(
        `deal-${dealId}`,
        next(),
        'StageReverted',
        { dealId, from: stage, to: 'qualification', reason: 'bench', revertedAt: dealAt(3) },
        at + 3000,
      );
      stage = 'qualification';
    }
    if (i % 6 === 0) {
      add(
        `deal-${dealId}`,
        next(),
        'DealOwnerChanged',
        { dealId, from: null, to: `owner-${i % 9}`, changedAt: dealAt(3) },
        at + 3000,
      );
    }
    // A follow-up meeting on every deal, due a week later: done on most, still open on the rest.
    const meetingId = timeOrderedUuid(at + 3000);
    add(
      `deal-${dealId}`,
      next(),
      'DealActivityScheduled',
      {
        dealId,
        activityId: meetingId,
        type: 'meeting',
        subject: 'Follow-up meeting',
        dueAt: new Date(at + 7 * 86_400_000).toISOString(),
        assignee: owner,
        scheduledAt: dealAt(3),
      },
      at + 3000,
    );
    if (i % 5 !== 2) {
      add(
        `deal-${dealId}`,
        next(),
        'DealActivityCompleted',
        { dealId, activityId: meetingId, type: 'meeting', completedAt: dealAt(3) },
        at + 3000,
      );
    }
    if (i % 3 === 0)
      add(
        `deal-${dealId}`,
        next(),
        'DealWon',
        { dealId, value: current, stage, wonAt: dealAt(4) },
        at + 4000,
      );
    else if (i % 3 === 1) {
      add(
        `deal-${dealId}`,
        next(),
        'DealLost',
        { dealId, value: current, stage, reason: 'price', lostAt: dealAt(4) },
        at + 4000,
      );
      if (i % 13 === 1)
        add(
          `deal-${dealId}`,
          next(),
          'DealReopened',
          { dealId, reason: 'bench', from: 'lost', stage, reopenedAt: dealAt(4) },
          at + 4000,
        );
    }
  }
  flush();
  db.close();
  const keyStore = SqliteDataKeyStore.open(config.dataDir);
  try {
    const all = [...keys.values()];
    for (let i = 0; i < all.length; i += 10_000) {
      const batch = all.slice(i, i + 10_000);
      const wrapped = await Promise.all(
        batch.map(async ({ kid, key }) => ({ subject: kid, wrapped: await wrapper.wrap(key, kid) })),
      );
      await keyStore.createFresh(wrapped, new Date().toISOString());
    }
  } finally {
    await keyStore.close();
  }
  return {
    events: position,
    middle: new Date(start + 182 * 24 * 3600 * 1000).toISOString(),
    from: new Date(start).toISOString(),
    to: new Date(start + 365 * 24 * 3600 * 1000).toISOString(),
  };
}

async function measure(times: number, fn: () => Promise<unknown>): Promise<{ p50Ms: number; p99Ms: number }> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return latencies(samples);
}

/** The reference of a rebuild: events per second read from the log and JSON-parsed, nothing else. */
export function rawReadRate(db: SqliteDatabase): number {
  const started = performance.now();
  let parsed = 0;
  for (const row of db.prepare('SELECT data, metadata FROM events ORDER BY position').iterate() as Iterable<{
    data: string;
    metadata: string;
  }>) {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
    parsed += 1;
  }
  return parsed / ((performance.now() - started) / 1000);
}

export async function readSide(target: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-read-'));
  const eventsFile = join(dir, 'events.sqlite');
  try {
    const { events: count, middle, from, to } = await writeLog(eventsFile, target);
    const figures: Figure[] = [];

    const eventsDb = openSqliteDatabase(eventsFile);
    // The log as the service opens it: personal data opened, in the current schema (the log holds DealCreated
    // of schema version 1), with every read model of the service, the lead emails keyed by its master key.
    const log = await openLog(loadConfig({ DATA_DIR: dir }));
    const events = log.current;
    const projections = log.projections;
    const rawRate = rawReadRate(eventsDb);
    figures.push({
      name: `reference: raw read and JSON.parse of the log (${count} events)`,
      unit: 'events/s',
      rate: rawRate,
    });

    // The read store exactly as the service opens it.
    const reads = await openReadStore(loadConfig({ DATA_DIR: dir }));
    const store = reads.store;
    const runner = new ProjectionRunner(events, store, projections, { batchSize: 5000 });
    const started = performance.now();
    await runner.resetAll();
    const processed = await runner.catchUp();
    const rebuildRate = processed / ((performance.now() - started) / 1000);
    figures.push({
      name: `rebuild of all ${projections.length} projections (${count} events)`,
      unit: 'events/s',
      rate: rebuildRate,
      note: `${(rebuildRate / rawRate).toFixed(2)}x the raw read`,
    });

    figures.push(await documentWrites(store, projections, dir, count, rebuildRate));

    const position = runner.lowestCheckpoint().toString();
    const pipeline = () => store.snapshot((r) => pipelineReport(r, { pipelineId: 'default' }, position));
    const stages = () => store.snapshot((r) => stagesReport(r, { pipelineId: 'default' }, position));
    const forecast = () => store.snapshot((r) => forecastReport(r, { pipelineId: 'default' }, position));
    const losses = () => store.snapshot((r) => lossesReport(r, {}, position));
    const funnel = () => store.snapshot((r) => funnelReport(r, {}, position));
    const funnelRange = () =>
      store.snapshot((r) =>
        funnelReport(r, { from: '2025-03-10T12:34:56.000Z', to: '2025-09-20T08:00:00.000Z' }, position),
      );
    // The lists of issue 12 as their handlers read them: a page of 20 (and one more, for the next cursor).
    const followUps = () =>
      store.snapshot((r) =>
        r.find(ACTIVITIES, {
          where: { assignee: 'owner-3', status: 'open' },
          orderBy: { field: 'dueAt', direction: 'asc' },
          limit: 21,
        }),
      );
    const overdue = () =>
      store.snapshot((r) =>
        r.find(ACTIVITIES, {
          where: { assignee: 'owner-3', status: 'open' },
          range: { field: 'dueAt', lt: new Date().toISOString() },
          orderBy: { field: 'dueAt', direction: 'asc' },
          limit: 21,
        }),
      );
    const byScore = (where?: Record<string, string>) => () =>
      store.snapshot(async (r) => {
        const { rules } = await leadListRuleSet(r);
        const at = new Date().toISOString();
        return firstOf(
          leadsByScore(r, rules, { ...(where ? { where } : {}), at, chunk: 21, maxChunk: 200 }),
          21,
        );
      });
    for (const [name, fn] of [
      ["query: one assignee's open follow-ups, by due time", followUps],
      ["query: one assignee's overdue follow-ups", overdue],
      ['query: leads by score', byScore()],
      ['query: leads by score, status=qualified', byScore({ status: 'qualified' })],
      ['query: leads by score, source=referral', byScore({ source: 'referral' })],
      ['query: pipeline report', pipeline],
      ['query: funnel report, all time', funnel],
      ['query: funnel report, from/to inside days', funnelRange],
      ['query: stages report, all time', stages],
      ['query: forecast report, all time', forecast],
      ['query: losses report, all time', losses],
    ] as const) {
      await fn();
      // The lists answer in well under a millisecond: 1,000 samples, so that p99 is not three samples.
      const { p50Ms, p99Ms } = await measure(
        name.startsWith('query: lead') || name.includes('follow-ups') ? 1000 : 300,
        fn,
      );
      figures.push({
        name: `${name} (${count} events)`,
        unit: 'queries/s',
        rate: 1000 / p50Ms,
        p50Ms,
        p99Ms,
      });
    }

    // The service's own as-of path.
    const folder = new AsOfFolder(events, log.sealed);
    const asOf = async () => {
      const { documents, position } = await folder.fold(
        [pipelinesProjection, pipelineProjection],
        new Date(middle),
      );
      return pipelineReport(documents, { pipelineId: 'default' }, position.toString());
    };
    const asOfStats = await measure(3, asOf);
    figures.push({
      name: `query: pipeline as of mid-log (${count} events, folds the log)`,
      unit: 'queries/s',
      rate: 1000 / asOfStats.p50Ms,
      ...asOfStats,
      note: 'scans the whole log; parses and folds the events up to the moment',
    });
    figures.push(...(await asOfFromSnapshots(dir, count, { events, sealed: log.sealed }, { from, to })));
    // A deal with a long history for the history endpoint: 1 creation and 99 stage moves, hashed as appended.
    const dealId = randomUUID();
    const at = new Date().toISOString();
    const meta = {
      occurredAt: at,
      actor: 'bench',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      schemaVersion: 1,
    };
    await events.appendToStream(`deal-${dealId}`, [
      {
        id: randomUUID(),
        type: 'DealCreated',
        data: {
          dealId,
          leadId: randomUUID(),
          title: 'Long',
          value: { amount: 1, currency: 'EUR' },
          expectedCloseDate: '2026-12-31',
          stage: 'qualification',
          createdAt: at,
        },
        metadata: meta,
      },
      ...Array.from({ length: 99 }, (_, i) => ({
        id: randomUUID(),
        type: 'StageAdvanced',
        data: { dealId, from: STAGES[i % 4]!, to: STAGES[(i + 1) % 4]!, advancedAt: at },
        metadata: meta,
      })),
    ]);
    await reads.close();
    await log.close();
    eventsDb.close();
    figures.push(...(await apiAtScale(dir, count, middle, dealId, { from, to })));
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dir}-keys`, { recursive: true, force: true });
  }
}

/** The moments as-of queries are asked at: any in the year from the generated log's first event. */
export interface MomentRange {
  readonly from: string;
  readonly to: string;
}

/** Events between two as-of snapshots, as the service cuts them by default (AS_OF_SNAPSHOT_EVERY). */
const AS_OF_EVERY = loadConfig({}).asOfSnapshotEvery;
/** As-of queries measured, each at another random moment. */
const AS_OF_MOMENTS = 200;

/** The keeper catching up with the log in a process of its own (bench/as-of-keeper.ts). */
async function keeperCatchUp(
  dataDir: string,
): Promise<{ events: number; seconds: number; peakRssMb: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'as-of-keeper.ts'), dataDir, String(AS_OF_EVERY)],
    { timeout: 3_600_000 },
  );
  return JSON.parse(stdout) as { events: number; seconds: number; peakRssMb: number };
}

/**
 * As-of reports from snapshots: the keeper cuts them over the whole log (its rate and peak memory), then the
 * pipeline and the funnel as of random moments, each checked once against the fold of the whole log.
 */
export async function asOfFromSnapshots(
  dataDir: string,
  count: number,
  log: { readonly events: EventStore; readonly sealed: EventStore },
  range: MomentRange,
): Promise<Figure[]> {
  const keeping = await keeperCatchUp(dataDir);
  const figures: Figure[] = [
    {
      name: `as-of snapshots: the keeper folds the log, a snapshot every ${AS_OF_EVERY} events (${count} events)`,
      unit: 'events/s',
      rate: keeping.events / keeping.seconds,
      note: `${keeping.seconds.toFixed(1)} s; the read models that read no personal data, the deal counts among them`,
    },
    {
      name: `memory: peak RSS of the as-of snapshot keeper catching up with ${count} events`,
      unit: 'MB',
      rate: keeping.peakRssMb,
    },
  ];
  const snapshots = await openAsOfSnapshots(loadConfig({ DATA_DIR: dataDir }));
  try {
    const folder = new AsOfFolder(log.events, log.sealed, snapshots);
    const fullFold = new AsOfFolder(log.events, log.sealed);
    // As ReportReader asks: the report's projections beside the pipelines' configuration.
    const reports: readonly [string, Projection[], (d: DocumentReader, p: string) => Promise<unknown>][] = [
      [
        'pipeline',
        [pipelineProjection, dealCountsProjection],
        (d, p) => pipelineReport(d, { pipelineId: 'default' }, p),
      ],
      ['funnel', [funnelProjection], (d, p) => funnelReport(d, {}, p)],
    ];
    for (const [name, projection, report] of reports) {
      const projections = [pipelinesProjection, ...projection];
      const moments = randomMoments(Date.parse(range.from), Date.parse(range.to));
      const asOf = (moment: string) =>
        folder.report(projections, new Date(moment), (documents, position) =>
          report(documents, position.toString()),
        );
      // Exactly the fold of the whole log: checked at one moment, beside the measurement.
      const checked = moments();
      const reference = await fullFold.fold(projections, new Date(checked));
      const expected = JSON.stringify(await report(reference.documents, reference.position.toString()));
      if (JSON.stringify(await asOf(checked)) !== expected) {
        throw new Error(`the ${name} report as of ${checked} from snapshots differs from the full fold`);
      }
      const stats = await measure(AS_OF_MOMENTS, () => asOf(moments()));
      figures.push({
        name: `query: ${name} as of a random moment, from snapshots (${count} events, ${AS_OF_MOMENTS} moments)`,
        unit: 'queries/s',
        rate: 1000 / stats.p50Ms,
        ...stats,
        note: 'the latest snapshot by then, and the events after it that had occurred by then',
      });
    }
  } finally {
    await snapshots.close();
  }
  return figures;
}

/**
 * The ceiling of a rebuild on this machine: the documents the rebuild wrote, written again into a fresh read
 * store in commits of the same size, with no log to read and nothing to fold.
 */
async function documentWrites(
  built: ReadStore,
  projections: readonly Projection[],
  dir: string,
  events: number,
  rebuildRate: number,
): Promise<Figure> {
  const changes: DocChange[] = [];
  for (const projection of projections) {
    for (const { name } of projection.collections) {
      for (const doc of await built.find(name, {})) changes.push({ collection: name, id: doc.id, doc });
    }
  }
  const fresh = await openReadStore(loadConfig({ DATA_DIR: join(dir, 'documents-only') }));
  try {
    const perCommit = Math.ceil(changes.length / (events / 5000));
    const started = performance.now();
    for (let i = 0; i < changes.length; i += perCommit) {
      await fresh.store.commit({ changes: changes.slice(i, i + perCommit), checkpoints: [] });
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      name: `reference: writing the rebuild's ${changes.length} documents alone (no log, no fold)`,
      unit: 'events/s',
      rate: events / seconds,
      note: `${Math.round(changes.length / seconds)} documents/s; the rebuild runs at ${(rebuildRate / (events / seconds)).toFixed(2)}x this ceiling`,
    };
  } finally {
    await fresh.close();
  }
}

/**
 * Latencies of `times` sequential GETs from a client in a process of its own (bench/query-client.ts); with
 * `moments`, each GET puts a moment drawn at random in it in place of {asOf}.
 */
async function queryLatency(
  url: string,
  times: number,
  moments?: MomentRange,
): Promise<{ p50Ms: number; p99Ms: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, 'query-client.ts'),
      url,
      String(times),
      ...(moments ? [moments.from, moments.to] : []),
    ],
    { timeout: 600_000 },
  );
  return JSON.parse(stdout) as { p50Ms: number; p99Ms: number };
}

/** The pipeline and the funnel as of random moments, over HTTP, from a running API. */
export async function asOfOverHttp(url: string, count: number, moments: MomentRange): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, path] of [
    ['http: GET /analytics/pipeline?asOf', '/analytics/pipeline?asOf={asOf}'],
    ['http: GET /analytics/funnel?asOf', '/analytics/funnel?asOf={asOf}'],
  ] as const) {
    const { p50Ms, p99Ms } = await queryLatency(`${url}${path}`, AS_OF_MOMENTS, moments);
    figures.push({
      name: `${name} (${count} events, ${AS_OF_MOMENTS} random moments)`,
      unit: 'req/s',
      rate: 1000 / p50Ms,
      p50Ms,
      p99Ms,
      note: 'from the as-of snapshots',
    });
  }
  return figures;
}

/** Peak resident memory of a process, from /proc (Linux). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * The built API on the large store: query latency over HTTP (pipeline, funnel, a 100-event history, as-of)
 * and the peak memory of the process while it holds and serves that store.
 */
async function apiAtScale(
  dataDir: string,
  count: number,
  middle: string,
  dealId: string,
  moments: MomentRange,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  const echo = await startService({}, join(__dirname, 'echo-server.ts'), /listening on port (\d+)/, [
    '--import',
    'tsx',
  ]);
  try {
    const { p50Ms, p99Ms } = await queryLatency(`${echo.url}/echo`, 1000);
    figures.push({
      name: 'reference: GET of a fixed document from a bare NestJS + Fastify endpoint, same client',
      unit: 'req/s',
      rate: 1000 / p50Ms,
      p50Ms,
      p99Ms,
      note: "the machine's floor under the query latencies",
    });
  } finally {
    await stopService(echo);
  }
  // BENCH_API: another build of the API to measure (default: the one npm run build makes in dist/).
  const service = await startService(
    { DATA_DIR: dataDir, AUTO_CREATE_DEALS: 'false' },
    process.env['BENCH_API'] ?? BUILT_API,
  );
  try {
    for (;;) {
      const health = (await (await fetch(`${service.url}/health`)).json()) as {
        info?: { readModels?: { projections?: { caughtUp: boolean }[] } };
      };
      if (health.info?.readModels?.projections?.every((p) => p.caughtUp)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const [name, path, times] of [
      ['http: GET /analytics/pipeline', '/analytics/pipeline', 1000],
      ['http: GET /analytics/funnel', '/analytics/funnel', 1000],
      [
        'http: GET /analytics/funnel?from&to',
        '/analytics/funnel?from=2025-03-10T12:34:56Z&to=2025-09-20T08:00:00Z',
        1000,
      ],
      ['http: GET /analytics/stages', '/analytics/stages', 100],
      ['http: GET /analytics/forecast', '/analytics/forecast', 100],
      ['http: GET /analytics/losses', '/analytics/losses', 100],
      ['http: GET /deals/{id}/history (100 events)', `/deals/${dealId}/history`, 1000],
      [
        "http: GET /activities (one assignee's open follow-ups)",
        '/activities?assignee=owner-3&status=open',
        1000,
      ],
      ['http: GET /activities?due=overdue (one assignee)', '/activities?assignee=owner-3&due=overdue', 1000],
      ['http: GET /leads?sort=score', '/leads?sort=score', 1000],
      ['http: GET /leads?sort=score&status=captured', '/leads?sort=score&status=captured', 1000],
      ['http: GET /leads?band=hot&sort=score', '/leads?band=hot&sort=score', 1000],
      [
        'http: GET /leads?minScore=30&sort=score&source=referral',
        '/leads?minScore=30&sort=score&source=referral',
        1000,
      ],
      ['http: GET /leads?band=warm (newest first)', '/leads?band=warm', 100],
      [
        'http: GET /analytics/pipeline?asOf (mid-log)',
        `/analytics/pipeline?asOf=${encodeURIComponent(middle)}`,
        3,
      ],
    ] as const) {
      const { p50Ms, p99Ms } = await queryLatency(`${service.url}${path}`, times);
      figures.push({ name: `${name} (${count} events)`, unit: 'req/s', rate: 1000 / p50Ms, p50Ms, p99Ms });
    }
    figures.push(...(await asOfOverHttp(service.url, count, moments)));
    figures.push({
      name: `memory: peak RSS of the API holding and serving ${count} events`,
      unit: 'MB',
      rate: peakRssMb(service.child.pid!),
    });
    return figures;
  } finally {
    await stopService(service);
  }
}

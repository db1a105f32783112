import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig, openEventStore } from '@app/application';
import {
  type AuditReport,
  ChainVerifier,
  type EventStore,
  type RecordedEvent,
  RootBuilder,
  START,
  type TreeHead,
  auditStore,
  ed25519PublicKey,
  emptyRoot,
  eventLeafHash,
  parseTreeHead,
  verifyTreeHead,
} from '@app/event-store';

const USAGE = `usage:
  npm run audit:verify [-- <stream>]
      recomputes the tamper-evidence chains of the configured log (every stream, or one)
  npm run audit:verify -- --public-key <file> --tree-head <file> [--records <file>]
      also checks that the log begins with exactly the events of a tree head given earlier:
      --public-key  the answer of GET /audit/public-key, or its pem alone
      --tree-head   the answer of GET /audit/tree-head
      --records     the log exported from GET /audit/records, one record per line (JSON Lines);
                    without it, the configured log (DATA_DIR/events.sqlite) is read as stored`;

/** A command line that cannot be run: exit 1 with the usage. */
class UsageError extends Error {}

interface Options {
  readonly stream?: string;
  readonly publicKey?: string;
  readonly treeHead?: string;
  readonly records?: string;
}

function optionsOf(args: readonly string[]): Options {
  const options: { stream?: string; publicKey?: string; treeHead?: string; records?: string } = {};
  const flags = { '--public-key': 'publicKey', '--tree-head': 'treeHead', '--records': 'records' } as const;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg in flags) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a file`);
      options[flags[arg as keyof typeof flags]] = value;
    } else if (arg.startsWith('--') || options.stream !== undefined) {
      throw new UsageError(`unknown argument ${arg}`);
    } else {
      options.stream = arg;
    }
  }
  if ((options.publicKey === undefined) !== (options.treeHead === undefined)) {
    throw new UsageError('--public-key and --tree-head go together');
  }
  if (options.records !== undefined && options.treeHead === undefined) {
    throw new UsageError('--records is checked against a tree head: add --public-key and --tree-head');
  }
  if (options.stream !== undefined && options.treeHead !== undefined) {
    throw new UsageError('a tree head covers the whole log: no stream with --tree-head');
  }
  return options;
}

const readText = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(error as Error).message}`);
  }
};

/** The public key: a PEM file, or the JSON answer of GET /audit/public-key. */
function publicKeyFrom(file: string) {
  const text = readText(file, 'public key');
  let pem = text;
  if (text.trimStart().startsWith('{')) {
    const answer = JSON.parse(text) as { pem?: unknown };
    if (typeof answer.pem !== 'string') throw new UsageError(`${file} holds JSON without a pem`);
    pem = answer.pem;
  }
  try {
    return ed25519PublicKey(pem);
  } catch (error) {
    throw new UsageError(`${file} is not an Ed25519 public key: ${(error as Error).message}`);
  }
}

function treeHeadFrom(file: string): TreeHead {
  try {
    return parseTreeHead(JSON.parse(readText(file, 'tree head')));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file} is not a tree head: ${(error as Error).message}`);
  }
}

/** Every event of the store, as stored, in log order. */
async function* storedEvents(store: EventStore): AsyncGenerator<RecordedEvent> {
  let after = START;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 5000 });
    if (batch.length === 0) return;
    yield* batch;
    after = batch[batch.length - 1]!.position;
  }
}

/** Every record of a JSON Lines export of GET /audit/records, checked for shape and log order. */
async function* exportedRecords(file: string): AsyncGenerator<RecordedEvent> {
  if (!existsSync(file)) throw new UsageError(`there is no records file ${file}`);
  let line = 0;
  let previous = START;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    const record = recordOf(text, `${file}:${line}`);
    if (record.position <= previous) {
      throw new UsageError(
        `${file}:${line}: position ${record.position} after ${previous}: not in log order`,
      );
    }
    previous = record.position;
    yield record;
  }
}

function recordOf(text: string, where: string): RecordedEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${where}: not JSON`);
  }
  const r = value as Record<string, unknown>;
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (
    !isObject(value) ||
    typeof r['position'] !== 'string' ||
    !/^\d{1,20}$/.test(r['position']) ||
    typeof r['id'] !== 'string' ||
    typeof r['streamId'] !== 'string' ||
    !Number.isSafeInteger(r['revision']) ||
    typeof r['type'] !== 'string' ||
    !isObject(r['data']) ||
    !isObject(r['metadata'])
  ) {
    throw new UsageError(`${where}: not a record { position, id, streamId, revision, type, data, metadata }`);
  }
  return {
    position: BigInt(r['position']),
    id: r['id'],
    streamId: r['streamId'],
    revision: r['revision'] as number,
    type: r['type'],
    data: r['data'] as RecordedEvent['data'],
    metadata: r['metadata'] as RecordedEvent['metadata'],
  };
}

/**
 * One pass over the log: the chains of every stream (as auditStore checks them), the root of the first
 * treeSize leaves and of the whole log, in memory of O(log n) hashes and one chain per stream.
 */
async function checkAgainst(head: TreeHead, events: AsyncIterable<RecordedEvent>, gapless: boolean) {
  const verifiers = new Map<string, ChainVerifier>();
  const missingPositions: { after: string; count: number }[] = [];
  const tree = new RootBuilder();
  let atTreeSize = head.treeSize === 0 ? emptyRoot() : undefined;
  let after = START;
  for await (const event of events) {
    if (gapless && event.position !== after + 1n) {
      missingPositions.push({ after: after.toString(), count: Number(event.position - after - 1n) });
    }
    after = event.position;
    let verifier = verifiers.get(event.streamId);
    if (!verifier) {
      verifier = new ChainVerifier();
      verifiers.set(event.streamId, verifier);
    }
    verifier.next(event);
    tree.push(eventLeafHash(event));
    if (tree.size === head.treeSize) atTreeSize = tree.root();
  }
  const broken = [...verifiers.entries()]
    .filter(([, v]) => v.brokenAt !== null)
    .map(([streamId, v]) => ({ streamId, revision: v.brokenAt! }))
    .sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  const chain: AuditReport = {
    streams: verifiers.size,
    events: tree.size,
    verified: broken.length === 0 && missingPositions.length === 0,
    broken,
    missingPositions,
  };
  return { chain, atTreeSize, size: tree.size, root: tree.root() };
}

async function verifyTreeHeadOf(options: Options & { publicKey: string; treeHead: string }) {
  const publicKey = publicKeyFrom(options.publicKey);
  const head = treeHeadFrom(options.treeHead);
  const signed = verifyTreeHead(head, publicKey);

  const check = async (events: AsyncIterable<RecordedEvent>, gapless: boolean) =>
    checkAgainst(head, events, gapless);
  let result: Awaited<ReturnType<typeof checkAgainst>>;
  if (options.records !== undefined) {
    result = await check(exportedRecords(options.records), false);
  } else {
    const store = await openStore();
    try {
      result = await check(storedEvents(store.store), store.store.gaplessPositions);
    } finally {
      await store.close();
    }
  }
  const { chain, atTreeSize, size, root } = result;
  const rootMatches = atTreeSize !== undefined && atTreeSize.toString('hex') === head.rootHash;
  const problems: string[] = [];
  if (!signed) {
    problems.push(`the tree head's signature does not verify with the public key ${options.publicKey}`);
  }
  if (atTreeSize === undefined) {
    problems.push(
      `the log holds ${size} events, fewer than the ${head.treeSize} of the tree head: events were removed`,
    );
  } else if (!rootMatches) {
    problems.push(
      `root mismatch: the root of the first ${head.treeSize} events is ${atTreeSize.toString('hex')}, not the ` +
        `tree head's ${head.rootHash}: events it covers were altered, removed or reordered`,
    );
  }
  if (!chain.verified)
    problems.push('the hash chain of some streams does not hold (see broken, missingPositions)');
  return {
    ...chain,
    verified: problems.length === 0,
    treeHead: {
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
      keyId: head.keyId,
      signatureValid: signed,
      computedRootHash: atTreeSize?.toString('hex') ?? null,
      rootMatches,
    },
    log: {
      source: options.records ?? 'store',
      size,
      rootHash: root.toString('hex'),
      extendsTreeHead: rootMatches,
    },
    problems,
  };
}

/** The configured log exactly as stored (no layer opens or upcasts anything). */
async function openStore() {
  const config = loadConfig(process.env);
  const file = join(config.dataDir, 'events.sqlite');
  if (config.eventStore.kind === 'sqlite' && !existsSync(file)) {
    throw new UsageError(`there is no event log at ${file}: set DATA_DIR`);
  }
  return openEventStore(config);
}

/**
 * npm run audit:verify: recomputes the tamper-evidence chains of the configured log (every stream, or one)
 * and, on the embedded store, checks that no position is missing. Given a tree head and the public key that
 * signed it, also checks the signature and that the first treeSize events of the log (or of an export) have
 * the tree head's root, reporting the root of the whole log beside it. Prints the report as JSON; exits 0
 * when everything verifies, 3 when something was altered, removed or reordered, 1 when it cannot check.
 */
async function main(): Promise<void> {
  const options = optionsOf(process.argv.slice(2));
  let report: { verified: boolean };
  if (options.publicKey !== undefined && options.treeHead !== undefined) {
    report = await verifyTreeHeadOf({ ...options, publicKey: options.publicKey, treeHead: options.treeHead });
  } else {
    const events = await openStore();
    try {
      report = await auditStore(events.store, {
        ...(options.stream ? { stream: options.stream } : {}),
        gapless: events.store.gaplessPositions,
      });
    } finally {
      await events.close();
    }
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.verified ? 0 : 3;
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot verify: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exit(1);
});

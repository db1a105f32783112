import type { Doc } from '../projection';
import type { AsOfSnapshots } from './as-of-snapshots.port';

/** One document's versions, in snapshot order. */
interface History {
  readonly snapshots: number[];
  readonly docs: (Doc | null)[];
}

/** What is held of one collection of one generation of a projection's snapshots. */
interface CachedCollection {
  readonly generation: number;
  /** Every version tagged up to this snapshot is held. */
  upTo: number;
  readonly histories: Map<string, History>;
  versions: number;
  /** More versions than the cache holds: the collection is read from the store. */
  tooLarge: boolean;
  /** The last extension under way: extensions run one after the other. */
  extending: Promise<void>;
}

/**
 * The versions of the collections as-of reports query as a whole (find and count: pipelines, totals, funnel
 * buckets...), held in memory once read and topped up as snapshots are cut, so that a collection as it stood
 * at any snapshot is a lookup per document instead of a query per document. A collection with more versions
 * than `maxVersions` is not held. Documents are shared between answers, as MemoryDocuments shares its own:
 * reports never change them.
 */
export class VersionCache {
  private readonly collections = new Map<string, CachedCollection>();

  constructor(
    private readonly snapshots: AsOfSnapshots,
    private readonly maxVersions = 100_000,
  ) {}

  /** Every document of the collection at the snapshot; undefined when the collection is too large to hold. */
  async all(
    name: string,
    generation: number,
    collection: string,
    snapshot: number,
  ): Promise<Doc[] | undefined> {
    const cached = this.cachedOf(name, generation, collection);
    if (cached.tooLarge) return undefined;
    if (snapshot > cached.upTo) {
      cached.extending = cached.extending.then(() => this.extend(name, collection, cached, snapshot));
      await cached.extending;
      if (cached.tooLarge) return undefined;
    }
    const docs: Doc[] = [];
    for (const history of cached.histories.values()) {
      const doc = latestAt(history, snapshot);
      if (doc) docs.push(doc);
    }
    return docs;
  }

  private cachedOf(name: string, generation: number, collection: string): CachedCollection {
    const key = JSON.stringify([name, collection]);
    let cached = this.collections.get(key);
    if (!cached || cached.generation !== generation) {
      cached = {
        generation,
        upTo: 0,
        histories: new Map(),
        versions: 0,
        tooLarge: false,
        extending: Promise.resolve(),
      };
      this.collections.set(key, cached);
    }
    return cached;
  }

  private async extend(name: string, collection: string, cached: CachedCollection, snapshot: number) {
    if (cached.tooLarge || snapshot <= cached.upTo) return;
    const room = this.maxVersions - cached.versions;
    const versions = await this.snapshots.versions(name, collection, cached.upTo, snapshot, room + 1);
    if (versions.length > room) {
      cached.tooLarge = true;
      cached.histories.clear();
      return;
    }
    for (const { id, snapshot: tag, doc } of versions) {
      let history = cached.histories.get(id);
      if (!history) cached.histories.set(id, (history = { snapshots: [], docs: [] }));
      history.snapshots.push(tag);
      history.docs.push(doc);
    }
    cached.versions += versions.length;
    cached.upTo = snapshot;
  }
}

/** The document's latest version at or before the snapshot (binary search); undefined when none or deleted. */
function latestAt({ snapshots, docs }: History, snapshot: number): Doc | undefined {
  let low = 0;
  let high = snapshots.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (snapshots[middle]! <= snapshot) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found < 0 ? undefined : (docs[found] ?? undefined);
}

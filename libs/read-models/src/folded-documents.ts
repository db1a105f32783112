import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, Projection } from './projection';

/** Loads documents by id from wherever they stand before the fold; those that do not exist are left out. */
export type DocLoader = (collection: string, ids: readonly string[]) => Promise<Map<string, Doc>>;

/**
 * One projection's documents while events are folded onto them: each loaded once (in one call per collection
 * for a whole batch of events), then changed in memory event by event. The projection runner folds its
 * batches so against the read store; as-of answers against snapshots.
 */
export class FoldedDocuments {
  /** Per collection: id -> the document as it stands (null: known not to exist). */
  readonly docs = new Map<string, Map<string, Doc | null>>();
  /** Per collection: the ids evolve changed. */
  private readonly changed = new Map<string, Set<string>>();
  /** Per collection: the ids the loader found (they existed before the fold). */
  private readonly existed = new Map<string, Set<string>>();

  constructor(
    private readonly projection: Projection,
    private readonly load: DocLoader,
  ) {}

  /** Folds the events, in order. */
  async fold(events: readonly RecordedEvent[]): Promise<void> {
    // Loads for the whole batch at once, then tops up per event.
    const prefetch = this.missingOf(events.flatMap((event) => this.projection.touches(event)));
    if (prefetch) await this.loadMissing(prefetch);
    for (const event of events) {
      // Synchronous unless the event names documents not loaded yet.
      const missing = this.missingOf(this.projection.touches(event, this.lookup));
      if (missing) await this.resolve(event, missing);
      for (const change of this.projection.evolve(event, this.strictLookup)) {
        this.collection(change.collection).set(change.id, change.doc);
        let ids = this.changed.get(change.collection);
        if (!ids) this.changed.set(change.collection, (ids = new Set()));
        ids.add(change.id);
      }
    }
  }

  /** The document as the fold left it: null when it is known not to exist, undefined when never loaded. */
  known(collection: string, id: string): Doc | null | undefined {
    return this.docs.get(collection)?.get(id);
  }

  /**
   * The documents changed, as they now stand (null: deleted); one made and deleted within the fold, which
   * never existed before it, is left out.
   */
  changes(): DocChange[] {
    const changes: DocChange[] = [];
    for (const [collection, ids] of this.changed) {
      const docs = this.collection(collection);
      const existed = this.existed.get(collection);
      for (const id of ids) {
        const doc = docs.get(id) ?? null;
        if (doc === null && !existed?.has(id)) continue;
        changes.push({ collection, id, doc });
      }
    }
    return changes;
  }

  /** What touches may look at: the documents loaded so far. */
  private readonly lookup: DocLookup = (collection, id) => this.docs.get(collection)?.get(id) ?? undefined;

  /** What evolve reads: a document that touches did not name is the projection's mistake. */
  private readonly strictLookup: DocLookup = (collection, id) => {
    const doc = this.docs.get(collection)?.get(id);
    if (doc === undefined) {
      throw new Error(
        `projection ${this.projection.name} read ${collection}/${id} without naming it in touches`,
      );
    }
    return doc ?? undefined;
  };

  /** Loads what touches names for the event, again while loaded documents reveal more to load. */
  private async resolve(event: RecordedEvent, missing: Map<string, Set<string>>): Promise<void> {
    for (let round = 0; round < 10; round++) {
      await this.loadMissing(missing);
      const more = this.missingOf(this.projection.touches(event, this.lookup));
      if (!more) return;
      missing = more;
    }
    throw new Error(`projection ${this.projection.name}: touches keeps naming new documents for ${event.id}`);
  }

  /** The named documents not loaded yet, per collection; undefined when all are. */
  private missingOf(refs: readonly DocRef[]): Map<string, Set<string>> | undefined {
    let missing: Map<string, Set<string>> | undefined;
    for (const { collection, id } of refs) {
      if (this.docs.get(collection)?.has(id)) continue;
      missing ??= new Map();
      let ids = missing.get(collection);
      if (!ids) missing.set(collection, (ids = new Set()));
      ids.add(id);
    }
    return missing;
  }

  private async loadMissing(missing: Map<string, Set<string>>): Promise<void> {
    for (const [collection, ids] of missing) {
      const found = await this.load(collection, [...ids]);
      const docs = this.collection(collection);
      for (const id of ids) docs.set(id, found.get(id) ?? null);
      if (found.size === 0) continue;
      let existed = this.existed.get(collection);
      if (!existed) this.existed.set(collection, (existed = new Set()));
      for (const id of found.keys()) existed.add(id);
    }
  }

  private collection(name: string): Map<string, Doc | null> {
    let docs = this.docs.get(name);
    if (!docs) this.docs.set(name, (docs = new Map<string, Doc | null>()));
    return docs;
  }
}

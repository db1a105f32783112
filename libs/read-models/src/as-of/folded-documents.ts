import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocLookup, DocRef, Projection } from '../projection';

/** Loads documents by id from wherever they stand before the fold; those that do not exist are left out. */
export type DocLoader = (collection: string, ids: readonly string[]) => Promise<Map<string, Doc>>;

/**
 * One projection's documents while events are folded onto them: each loaded once (through the loader, in one
 * call per collection for a whole batch of events), then changed in memory event by event, as the projection
 * runner does against its store.
 */
export class FoldedDocuments {
  /** Per collection: id -> the document as it stands (null: known not to exist). */
  readonly docs = new Map<string, Map<string, Doc | null>>();
  /** Per collection: the ids evolve changed. */
  readonly changed = new Map<string, Set<string>>();

  constructor(
    private readonly projection: Projection,
    private readonly load: DocLoader,
  ) {}

  /** Folds the events, in order. */
  async fold(events: readonly RecordedEvent[]): Promise<void> {
    await this.loadMissing(events.flatMap((event) => this.projection.touches(event)));
    for (const event of events) {
      await this.resolve(event);
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

  private readonly lookup: DocLookup = (collection, id) => this.docs.get(collection)?.get(id) ?? undefined;

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
  private async resolve(event: RecordedEvent): Promise<void> {
    for (let round = 0; round < 10; round++) {
      if (!(await this.loadMissing(this.projection.touches(event, this.lookup)))) return;
    }
    throw new Error(`projection ${this.projection.name}: touches keeps naming new documents for ${event.id}`);
  }

  /** Loads the named documents not loaded yet; false when there were none. */
  private async loadMissing(refs: readonly DocRef[]): Promise<boolean> {
    const missing = new Map<string, Set<string>>();
    for (const { collection, id } of refs) {
      if (this.docs.get(collection)?.has(id)) continue;
      let ids = missing.get(collection);
      if (!ids) missing.set(collection, (ids = new Set()));
      ids.add(id);
    }
    for (const [collection, ids] of missing) {
      const found = await this.load(collection, [...ids]);
      const docs = this.collection(collection);
      for (const id of ids) docs.set(id, found.get(id) ?? null);
    }
    return missing.size > 0;
  }

  private collection(name: string): Map<string, Doc | null> {
    let docs = this.docs.get(name);
    if (!docs) this.docs.set(name, (docs = new Map<string, Doc | null>()));
    return docs;
  }
}

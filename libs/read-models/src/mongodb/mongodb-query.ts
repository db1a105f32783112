import type { Position } from '@app/event-store';
import { type AnyBulkWriteOperation, Decimal128, type Filter, type IndexDescription } from 'mongodb';
import type { Doc, DocChange, FindQuery, IndexSpec } from '../projection';
import type { Checkpoint } from '../read-store.port';

/**
 * How read models look in MongoDB, as pure functions so that they are tested without a server: documents,
 * checkpoints, indexes, the writes of a commit and the translation of FindQuery.
 */

/** A read-model document as stored: `_id` is its id; its own fields, `id` included, follow unchanged. */
export interface MongoDoc {
  readonly _id: string;
  readonly [field: string]: unknown;
}

/**
 * A checkpoint as stored. The position is a Decimal128: positions are bigints that pass 2^53 on
 * EventStoreDB, so a double would round them, and unlike a string it still compares as a number in queries.
 */
export interface CheckpointDoc {
  readonly _id: string;
  readonly position: Decimal128;
  readonly version: number;
  /** On a shadow's checkpoint: its collections are being renamed over the live ones (see swapShadow). */
  readonly swapping?: true;
}

export interface MongoQuery {
  readonly filter: Filter<MongoDoc>;
  readonly sort: Readonly<Record<string, 1 | -1>> | undefined;
  readonly limit: number | undefined;
}

const NAME = /^[a-z][a-z0-9_]*$/;
/** A shadow collection (shadowCollectionName): apart from every valid name, as the checkpoints are. */
const SHADOW = /^_shadow_[a-z][a-z0-9_]*$/;
const PREFIX = /^[A-Za-z0-9_-]*$/;
const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The MongoDB collection of a read-model collection. Names are held to the SQLite adapter's rule, so that a
 * projection valid on one store is valid on the other.
 */
export function collectionName(prefix: string, name: string): string {
  if (!PREFIX.test(prefix)) throw new Error(`"${prefix}" is not a valid collection prefix`);
  if (!NAME.test(name) && !SHADOW.test(name)) throw new Error(`"${name}" is not a valid collection name`);
  return `${prefix}${name}`;
}

/** The checkpoints collection: its leading underscore keeps it apart from every valid collection name. */
export function checkpointsName(prefix: string): string {
  if (!PREFIX.test(prefix)) throw new Error(`"${prefix}" is not a valid collection prefix`);
  return `${prefix}_checkpoints`;
}

/** A document field in MongoDB: our `id` is `_id`, which is indexed already. */
function mongoField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`"${field}" is not a valid field name`);
  return field === 'id' ? '_id' : field;
}

export function toMongoDoc(id: string, doc: Doc): MongoDoc {
  // Queries on `id` read `_id`: the two must agree, and a document's own `_id` would be overwritten.
  if (doc.id !== id) throw new Error(`document id ${doc.id} is written under id ${id}`);
  if ('_id' in doc)
    throw new Error(`document ${id} has an _id field, which the MongoDB read store keeps for the id`);
  return { _id: id, ...doc };
}

export function fromMongoDoc(stored: MongoDoc): Doc {
  const { _id, ...doc } = stored;
  return doc as Doc;
}

export function encodePosition(position: Position): Decimal128 {
  return Decimal128.fromString(position.toString());
}

export function decodePosition(stored: Decimal128): Position {
  const text = stored.toString();
  // A value written by hand could read "1E+3"; BigInt would refuse it with a less helpful message.
  if (!/^-?\d+$/.test(text)) throw new Error(`checkpoint position ${text} is not an integer`);
  return BigInt(text);
}

export function toCheckpointDoc(checkpoint: Checkpoint): CheckpointDoc {
  return { _id: checkpoint.name, position: encodePosition(checkpoint.position), version: checkpoint.version };
}

export function fromCheckpointDoc(stored: CheckpointDoc): Checkpoint {
  return { name: stored._id, position: decodePosition(stored.position), version: stored.version };
}

/**
 * The indexes a collection's IndexSpec asks for. A scalar field gets { field, _id } so that one index serves
 * both the filter and `orderBy` with its tie-break by id; an array field gets a plain (multikey) index.
 */
export function toIndexes(indexes: readonly IndexSpec[]): IndexDescription[] {
  return indexes
    .map((index) => ({
      fields: [...(index.after ?? []), index.field].map(mongoField),
      multi: index.multi === true,
    }))
    .filter(({ fields }) => fields.length > 1 || fields[0] !== '_id')
    .map(({ fields, multi }) => {
      const key: Record<string, 1> = {};
      for (const field of [...fields, ...(multi ? [] : ['_id'])]) key[field] = 1;
      return { key };
    });
}

/**
 * A commit's document changes as one ordered bulk write per collection: a document changed twice ends as its
 * last change. Replacements and deletions by id are idempotent, so the driver may run them again when it
 * retries a transaction.
 */
export function toDocumentWrites(
  changes: readonly DocChange[],
): Map<string, AnyBulkWriteOperation<MongoDoc>[]> {
  const writes = new Map<string, AnyBulkWriteOperation<MongoDoc>[]>();
  for (const change of changes) {
    const operations = writes.get(change.collection) ?? [];
    const filter = { _id: change.id };
    operations.push(
      change.doc === null
        ? { deleteOne: { filter } }
        : { replaceOne: { filter, replacement: toMongoDoc(change.id, change.doc), upsert: true } },
    );
    writes.set(change.collection, operations);
  }
  return writes;
}

export function toCheckpointWrites(
  checkpoints: readonly Checkpoint[],
): AnyBulkWriteOperation<CheckpointDoc>[] {
  return checkpoints.map((checkpoint) => ({
    replaceOne: { filter: { _id: checkpoint.name }, replacement: toCheckpointDoc(checkpoint), upsert: true },
  }));
}

/**
 * FindQuery as a MongoDB filter, sort and limit that answer exactly what `findIn` answers. Equality on an
 * array field matches an element in both. Values are compared with explicit operators ($eq, ...): a value
 * that comes from a request as an object is then compared, never read as an operator. The known differences
 * are on data no read model holds: values of mixed types in one field (MongoDB never compares a string with
 * a number, JavaScript converts one), astral characters against U+E000-U+FFFF (MongoDB orders strings by
 * code point, JavaScript by UTF-16 unit), documents without the order field, and negative limits.
 */
export function toMongoQuery(query: FindQuery): MongoQuery {
  const clauses: Filter<MongoDoc>[] = [];
  for (const [field, value] of Object.entries(query.where ?? {})) {
    clauses.push({ [mongoField(field)]: { $eq: value } });
  }
  if (query.range) {
    const { gte, lt } = query.range;
    // Without bounds, findIn still drops documents where the field is missing or null: so does $ne: null.
    clauses.push({
      [mongoField(query.range.field)]:
        gte === undefined && lt === undefined
          ? { $ne: null }
          : { ...(gte === undefined ? {} : { $gte: gte }), ...(lt === undefined ? {} : { $lt: lt }) },
    });
  }
  let sort: MongoQuery['sort'];
  if (query.orderBy) {
    const field = mongoField(query.orderBy.field);
    const direction = query.orderBy.direction === 'asc' ? 1 : -1;
    sort = { [field]: direction, _id: direction };
    if (query.after) {
      // Keyset: strictly after (value, id) in the order. MongoDB has no tuple comparison, hence the $or.
      const past = direction === 1 ? '$gt' : '$lt';
      clauses.push({
        $or: [
          { [field]: { [past]: query.after.value } },
          { $and: [{ [field]: { $eq: query.after.value } }, { _id: { [past]: query.after.id } }] },
        ],
      });
    }
  }
  // What slice(0, limit) keeps: nothing for 0 or NaN. MongoDB reads a limit of 0 as "no limit", so a query
  // for nothing matches nothing instead.
  const count = query.limit === undefined ? Infinity : Math.trunc(query.limit);
  if (!(count > 0)) clauses.push({ _id: { $in: [] } });
  const [only] = clauses;
  return {
    filter: clauses.length > 1 ? { $and: clauses } : (only ?? {}),
    sort,
    limit: count > 0 && count !== Infinity ? count : undefined,
  };
}

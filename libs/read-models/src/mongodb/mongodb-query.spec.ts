import { Decimal128 } from 'mongodb';
import type { Doc } from '../projection';
import {
  checkpointsName,
  collectionName,
  decodePosition,
  encodePosition,
  fromCheckpointDoc,
  fromMongoDoc,
  toCheckpointDoc,
  toCheckpointWrites,
  toDocumentWrites,
  toIndexes,
  toMongoDoc,
  toMongoQuery,
} from './mongodb-query';

// What MongoDB does with these filters (an equality on an array matching an element, $gt never comparing
// a string with a number) is checked against a server by the contract suite in mongodb-read-store.spec.ts.
describe('toMongoQuery', () => {
  it('asks for everything when the query is empty', () => {
    expect(toMongoQuery({})).toEqual({ filter: {}, sort: undefined, limit: undefined });
  });

  it('compares each where value with $eq, on scalar and array fields alike', () => {
    expect(toMongoQuery({ where: { team: 'red' } }).filter).toEqual({ team: { $eq: 'red' } });
    // skills holds an array: MongoDB's $eq matches a document whose array contains the value, as findIn does.
    expect(toMongoQuery({ where: { skills: 'sql' } }).filter).toEqual({ skills: { $eq: 'sql' } });
  });

  it('joins several conditions with $and, booleans and numbers kept as they are', () => {
    expect(toMongoQuery({ where: { open: false, age: 21 } }).filter).toEqual({
      $and: [{ open: { $eq: false } }, { age: { $eq: 21 } }],
    });
  });

  it('reads our id as _id', () => {
    expect(toMongoQuery({ where: { id: 'p001' } }).filter).toEqual({ _id: { $eq: 'p001' } });
    expect(toMongoQuery({ orderBy: { field: 'id', direction: 'asc' } }).sort).toEqual({ _id: 1 });
  });

  it('keeps a value sent as an object an operand, never an operator', () => {
    const smuggled = { $ne: null } as unknown as string;
    expect(toMongoQuery({ where: { team: smuggled } }).filter).toEqual({ team: { $eq: { $ne: null } } });
  });

  it('refuses field names that MongoDB would read as paths or operators', () => {
    expect(() => toMongoQuery({ where: { 'a.b': 1 } })).toThrow('"a.b" is not a valid field name');
    expect(() => toMongoQuery({ where: { $where: 'true' } })).toThrow('not a valid field name');
    expect(() => toMongoQuery({ orderBy: { field: '$natural', direction: 'asc' } })).toThrow();
  });

  it('turns a range into $gte and $lt, either bound alone', () => {
    expect(
      toMongoQuery({ range: { field: 'joinedAt', gte: '2026-01-05', lt: '2026-01-09' } }).filter,
    ).toEqual({
      joinedAt: { $gte: '2026-01-05', $lt: '2026-01-09' },
    });
    expect(toMongoQuery({ range: { field: 'age', gte: 21 } }).filter).toEqual({ age: { $gte: 21 } });
    expect(toMongoQuery({ range: { field: 'age', lt: 23 } }).filter).toEqual({ age: { $lt: 23 } });
  });

  it('keeps only documents that have the field for a range without bounds, as findIn does', () => {
    expect(toMongoQuery({ range: { field: 'age' } }).filter).toEqual({ age: { $ne: null } });
  });

  it('sorts by the field then by id, both in the direction asked', () => {
    expect(toMongoQuery({ orderBy: { field: 'age', direction: 'asc' } }).sort).toEqual({ age: 1, _id: 1 });
    expect(toMongoQuery({ orderBy: { field: 'joinedAt', direction: 'desc' } }).sort).toEqual({
      joinedAt: -1,
      _id: -1,
    });
  });

  it('pages ascending with a keyset strictly after (value, id)', () => {
    const query = toMongoQuery({
      orderBy: { field: 'age', direction: 'asc' },
      after: { value: 21, id: 'p008' },
      limit: 5,
    });
    expect(query).toEqual({
      filter: { $or: [{ age: { $gt: 21 } }, { $and: [{ age: { $eq: 21 } }, { _id: { $gt: 'p008' } }] }] },
      sort: { age: 1, _id: 1 },
      limit: 5,
    });
  });

  it('pages descending with the keyset reversed, beside the other conditions', () => {
    const query = toMongoQuery({
      where: { skills: 'ts' },
      orderBy: { field: 'joinedAt', direction: 'desc' },
      after: { value: '2026-01-10T00:00:00.000Z', id: 'p037' },
    });
    expect(query.filter).toEqual({
      $and: [
        { skills: { $eq: 'ts' } },
        {
          $or: [
            { joinedAt: { $lt: '2026-01-10T00:00:00.000Z' } },
            { $and: [{ joinedAt: { $eq: '2026-01-10T00:00:00.000Z' } }, { _id: { $lt: 'p037' } }] },
          ],
        },
      ],
    });
  });

  it('ignores `after` without an order, as findIn does', () => {
    expect(toMongoQuery({ after: { value: 1, id: 'x' } })).toEqual(toMongoQuery({}));
  });

  it('takes as many documents as slice(0, limit) keeps', () => {
    expect(toMongoQuery({ limit: 7 }).limit).toBe(7);
    expect(toMongoQuery({ limit: 2.9 }).limit).toBe(2);
    expect(toMongoQuery({ limit: Infinity })).toEqual(toMongoQuery({}));
  });

  it('matches nothing for a limit of 0, which MongoDB would read as no limit', () => {
    for (const limit of [0, 0.5, NaN]) {
      expect(toMongoQuery({ limit })).toEqual({
        filter: { _id: { $in: [] } },
        sort: undefined,
        limit: undefined,
      });
    }
    expect(toMongoQuery({ where: { team: 'red' }, limit: 0 }).filter).toEqual({
      $and: [{ team: { $eq: 'red' } }, { _id: { $in: [] } }],
    });
  });
});

describe('documents in MongoDB', () => {
  const doc: Doc = { team: 'red', id: 'p001', skills: ['ts'], nested: { deep: [1, { x: 'y' }] } };

  it('stores a document under _id = id and gives back exactly what was written', () => {
    const stored = toMongoDoc('p001', doc);
    expect(stored).toEqual({ _id: 'p001', ...doc });
    const read = fromMongoDoc(stored);
    expect(read).toEqual(doc);
    expect(Object.keys(read)).toEqual(Object.keys(doc));
  });

  it('refuses a document written under another id, or with an _id of its own', () => {
    expect(() => toMongoDoc('p002', doc)).toThrow('document id p001 is written under id p002');
    expect(() => toMongoDoc('p001', { ...doc, _id: 'x' })).toThrow('has an _id field');
  });

  it('writes a commit as one ordered bulk write per collection, deletions included', () => {
    const writes = toDocumentWrites([
      { collection: 'people', id: 'p001', doc },
      { collection: 'teams', id: 'red', doc: null },
      { collection: 'people', id: 'p001', doc: null },
    ]);
    expect([...writes.keys()]).toEqual(['people', 'teams']);
    expect(writes.get('people')).toEqual([
      { replaceOne: { filter: { _id: 'p001' }, replacement: { _id: 'p001', ...doc }, upsert: true } },
      { deleteOne: { filter: { _id: 'p001' } } },
    ]);
    expect(writes.get('teams')).toEqual([{ deleteOne: { filter: { _id: 'red' } } }]);
  });
});

describe('checkpoints in MongoDB', () => {
  it('round-trips positions beyond 2^53 without rounding', () => {
    for (const position of [0n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
      expect(decodePosition(encodePosition(position))).toBe(position);
    }
    expect(encodePosition(2n ** 53n + 1n).toString()).toBe('9007199254740993');
  });

  it('refuses a stored position that is not an integer', () => {
    expect(() => decodePosition(Decimal128.fromString('1E+3'))).toThrow(
      'checkpoint position 1E+3 is not an integer',
    );
    expect(() => decodePosition(Decimal128.fromString('1.5'))).toThrow('not an integer');
  });

  it('stores a checkpoint under its name and reads it back', () => {
    const checkpoint = { name: 'deal-list', position: 2n ** 63n + 7n, version: 3 };
    const stored = toCheckpointDoc(checkpoint);
    expect(stored._id).toBe('deal-list');
    expect(fromCheckpointDoc(stored)).toEqual(checkpoint);
    expect(toCheckpointWrites([checkpoint])).toEqual([
      { replaceOne: { filter: { _id: 'deal-list' }, replacement: stored, upsert: true } },
    ]);
  });
});

describe('collections and indexes in MongoDB', () => {
  it('names collections with the prefix, checkpoints apart from any valid collection', () => {
    expect(collectionName('', 'deals')).toBe('deals');
    expect(collectionName('rm_', 'deals')).toBe('rm_deals');
    expect(checkpointsName('rm_')).toBe('rm__checkpoints');
    expect(() => collectionName('', '_checkpoints')).toThrow('"_checkpoints" is not a valid collection name');
    expect(() => collectionName('a$', 'deals')).toThrow('"a$" is not a valid collection prefix');
  });

  it('indexes a scalar field with _id for ordered pages, an array field as multikey', () => {
    expect(toIndexes([{ field: 'joinedAt' }, { field: 'skills', multi: true }, { field: 'id' }])).toEqual([
      { key: { joinedAt: 1, _id: 1 } },
      { key: { skills: 1 } },
    ]);
    expect(toIndexes([{ field: 'dueAt', after: ['assignee', 'status'] }])).toEqual([
      { key: { assignee: 1, status: 1, dueAt: 1, _id: 1 } },
    ]);
    expect(() => toIndexes([{ field: 'a.b' }])).toThrow('not a valid field name');
  });
});

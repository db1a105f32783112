import fc from 'fast-check';
import { bucketKey, bucketKeyRange, bucketsOf, planPeriod } from './period-plan';

const DAY = 86_400_000;
const iso = (time: number) => new Date(time).toISOString();
const inRange = (value: string, range: { gte?: string; lt?: string }) =>
  (range.gte === undefined || value >= range.gte) && (range.lt === undefined || value < range.lt);

describe('period plan', () => {
  it('reads an open period from the month buckets alone', () => {
    expect(planPeriod(undefined, undefined)).toEqual({ months: {}, days: [], instants: [] });
  });

  it('splits a period into whole months, the whole days around them and the edge instants', () => {
    expect(planPeriod('2026-01-15T10:00:00.000Z', '2026-04-03T12:30:00.000Z')).toEqual({
      months: { gte: '2026-02', lt: '2026-04' },
      days: [
        { gte: '2026-01-16', lt: '2026-02-01' },
        { gte: '2026-04-01', lt: '2026-04-03' },
      ],
      instants: [
        { gte: '2026-01-15T10:00:00.000Z', lt: '2026-01-16T00:00:00.000Z' },
        { gte: '2026-04-03T00:00:00.000Z', lt: '2026-04-03T12:30:00.000Z' },
      ],
    });
  });

  it('reads a period within one day document by document, and one of whole days from day buckets', () => {
    expect(planPeriod('2026-01-15T10:00:00.000Z', '2026-01-15T11:00:00.000Z')).toEqual({
      months: null,
      days: [],
      instants: [{ gte: '2026-01-15T10:00:00.000Z', lt: '2026-01-15T11:00:00.000Z' }],
    });
    expect(planPeriod('2026-01-15T00:00:00.000Z', '2026-01-20T00:00:00.000Z')).toEqual({
      months: null,
      days: [{ gte: '2026-01-15', lt: '2026-01-20' }],
      instants: [],
    });
  });

  it('names days and months in four-digit years at both ends of the calendar', () => {
    // The day after 9999-12-31 has no four-digit name: the rest of the last day is read document by document.
    expect(planPeriod('9999-12-31T12:00:00.000Z', undefined)).toEqual({
      months: null,
      days: [],
      instants: [{ gte: '9999-12-31T12:00:00.000Z' }],
    });
    // December 9999 has no month after it: its whole days are read from day buckets.
    expect(planPeriod('9999-12-02T00:00:00.000Z', undefined)).toEqual({
      months: null,
      days: [{ gte: '9999-12-02' }],
      instants: [],
    });
    // The month after 0099-12 is 0100-01, not 100-01 (which would sort after every four-digit year).
    expect(planPeriod('0099-12-15T00:00:00.000Z', '0100-03-01T00:00:00.000Z')).toEqual({
      months: { gte: '0100-01', lt: '0100-03' },
      days: [{ gte: '0099-12-15', lt: '0100-01-01' }],
      instants: [],
    });
  });

  it('covers every instant of [from, to) exactly once, by a month, a day or an edge (property)', () => {
    const start = Date.UTC(2025, 10, 1);
    const time = fc.integer({ min: 0, max: 200 * DAY }).map((offset) => iso(start + offset));
    const quarterHour = fc.integer({ min: 0, max: 200 * 96 }).map((q) => iso(start + q * 15 * 60_000));
    const bound = fc.option(fc.oneof(time, quarterHour), { nil: undefined });
    fc.assert(
      fc.property(bound, bound, fc.array(fc.oneof(time, quarterHour), { maxLength: 40 }), (a, b, events) => {
        const [from, to] = a !== undefined && b !== undefined && b < a ? [b, a] : [a, b];
        const plan = planPeriod(from, to);
        for (const event of events) {
          const [[, day], [, month]] = bucketsOf(event);
          const covered =
            Number(plan.months !== null && inRange(month, plan.months)) +
            plan.days.filter((range) => inRange(day, range)).length +
            plan.instants.filter((range) => inRange(event, range)).length;
          expect(covered).toBe(
            inRange(event, { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) }) ? 1 : 0,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bounds one scope and period of bucket keys, whatever other scopes and periods hold', () => {
    const keys = [
      bucketKey('p', 'day', '2026-01-31'),
      bucketKey('p', 'day', '2026-02-01'),
      bucketKey('p', 'month', '2026-01'),
      bucketKey('p-2', 'day', '2026-01-31'),
      bucketKey('q', 'day', '2026-01-15'),
    ];
    expect(keys.filter((key) => inRange(key, bucketKeyRange('p', 'day', {})))).toEqual([
      'p|day:2026-01-31',
      'p|day:2026-02-01',
    ]);
    expect(keys.filter((key) => inRange(key, bucketKeyRange('p', 'day', { lt: '2026-02-01' })))).toEqual([
      'p|day:2026-01-31',
    ]);
    expect(keys.filter((key) => inRange(key, bucketKeyRange('p', 'month', {})))).toEqual(['p|month:2026-01']);
  });
});

import {
  byName,
  currencyTotals,
  firstDayFrom,
  getOrAdd,
  ratio,
  reportInstant,
  roundedPercent,
  sortedByKey,
  storedInstant,
} from './report-values';

describe('report values', () => {
  describe('reportInstant', () => {
    it.each([
      ['2026-03-01', '2026-03-01T00:00:00.000Z'],
      ['2028-02-29', '2028-02-29T00:00:00.000Z'],
      ['2026-03-01T10:00', '2026-03-01T10:00:00.000Z'],
      ['2026-03-01T10:00:30Z', '2026-03-01T10:00:30.000Z'],
      ['2026-03-01T10:00:30.1234567Z', '2026-03-01T10:00:30.123Z'],
      ['2026-03-01T00:30:00+01:00', '2026-02-28T23:30:00.000Z'],
      ['2026-03-01T23:59:59-23:59', '2026-03-02T23:58:59.000Z'],
    ])('reads %s as %s', (value, instant) => {
      expect(reportInstant(value, 'from')).toBe(instant);
    });

    it('leaves an absent bound open', () => {
      expect(reportInstant(undefined, 'from')).toBeUndefined();
    });

    it.each([
      'yesterday',
      '1',
      'March 1, 2026',
      '2026-3-01',
      '2026-02-30',
      '2027-02-29',
      '2026-13-01',
      '2026-03-01 10:00Z',
      '2026-03-01T10Z',
      '2026-03-01T24:00Z',
      '2026-03-01T10:60Z',
      '2026-03-01T10:00:60Z',
      '2026-03-01T10:00+24:00',
      '2026-03-01T10:00+01:60',
      '2026-03-01T10:00+0100',
      '+010000-01-01T00:00:00.000Z',
    ])('refuses %s with a RangeError naming the bound', (value) => {
      expect(() => reportInstant(value, 'to')).toThrow(RangeError);
      expect(() => reportInstant(value, 'to')).toThrow(/^to is not an ISO 8601 date or instant/);
    });

    it('takes years outside 0000-9999 as toISOString writes them only when asked to', () => {
      const expanded = { expandedYears: true };
      expect(reportInstant('+010000-01-01T00:00:00.000Z', 'from', expanded)).toBe(
        '+010000-01-01T00:00:00.000Z',
      );
      expect(reportInstant('-000001-12-31', 'to', expanded)).toBe('-000001-12-31T00:00:00.000Z');
      expect(reportInstant('2026-03-01', 'to', expanded)).toBe('2026-03-01T00:00:00.000Z');
      for (const value of [
        '+002026-03-01',
        '+010000-02-30',
        '-000000-01-01',
        '+300000-01-01',
        '2026-02-30',
      ]) {
        expect(() => reportInstant(value, 'from', expanded)).toThrow(RangeError);
      }
    });
  });

  it('storedInstant rewrites any time Date.parse reads, and nothing else', () => {
    expect(storedInstant('2026-03-01T11:00:00+01:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(storedInstant('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(storedInstant('not a time')).toBeUndefined();
  });

  it.each([
    ['2026-03-01T00:00:00.000Z', '2026-03-01'],
    ['2026-03-01T00:00:00.001Z', '2026-03-02'],
    ['2026-02-28T12:00:00.000Z', '2026-03-01'],
    ['2028-02-28T12:00:00.000Z', '2028-02-29'],
    ['2026-12-31T23:59:59.999Z', '2027-01-01'],
  ])('firstDayFrom %s is %s', (instant, day) => {
    expect(firstDayFrom(instant)).toBe(day);
  });

  it('roundedPercent rounds halves up, exactly beyond 2^53', () => {
    expect([0n, 49n, 50n, 149n, 150n, 151n].map(roundedPercent)).toEqual([0, 0, 1, 1, 2, 2]);
    const big = 2n ** 53n;
    expect(roundedPercent(big * 100n + 49n)).toBe(2 ** 53);
    expect(roundedPercent((big + 1n) * 100n + 50n)).toBe(2 ** 53 + 2);
  });

  it('ratio is null over nothing', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(0, 0)).toBeNull();
  });

  it('orders names by code unit, null last', () => {
    expect(['b', null, 'B', 'a', 'b'].sort(byName)).toEqual(['B', 'a', 'b', 'b', null]);
    expect(
      sortedByKey(
        new Map([
          [null, 1],
          ['owner', 2],
          ['Ann', 3],
        ]),
      ),
    ).toEqual([
      ['Ann', 3],
      ['owner', 2],
      [null, 1],
    ]);
  });

  it('lists currency totals by code, numbers and exact sums alike', () => {
    expect(
      currencyTotals(
        new Map<string, number | bigint>([
          ['USD', 5],
          ['EUR', 2n ** 60n],
        ]),
      ),
    ).toEqual([
      { currency: 'EUR', total: 2 ** 60 },
      { currency: 'USD', total: 5 },
    ]);
    expect(currencyTotals([])).toEqual([]);
  });

  it('getOrAdd creates a value once per key', () => {
    const map = new Map<string, string[]>();
    const create = jest.fn((): string[] => []);
    getOrAdd(map, 'a', create).push('x');
    getOrAdd(map, 'a', create).push('y');
    expect(map.get('a')).toEqual(['x', 'y']);
    expect(create).toHaveBeenCalledTimes(1);
  });
});

import { isUuid } from './validation';
import { timeOrderedUuid } from './time-ordered-uuid';

describe('timeOrderedUuid', () => {
  it('is a version 7 UUID whose first 48 bits are the milliseconds', () => {
    const at = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const id = timeOrderedUuid(at);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by time and never repeats', () => {
    const ids = Array.from({ length: 5000 }, (_, i) =>
      timeOrderedUuid(1_700_000_000_000 + Math.floor(i / 10)),
    );
    expect(new Set(ids).size).toBe(ids.length);
    const byTime = ids.map((id, i) => [id.slice(0, 13), i] as const);
    expect([...byTime].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => i)).toEqual(
      byTime.map(([, i]) => i),
    );
  });
});

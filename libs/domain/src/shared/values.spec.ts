import { nameBasedUuid } from './ids';
import { isCalendarDate, isCurrencyCode } from './values';

describe('values', () => {
  it('knows real calendar dates, leap years included', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-4-01')).toBe(false);
    expect(isCalendarDate('2026-04-01T00:00:00Z')).toBe(false);
  });

  it('knows ISO 4217 currency codes', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('JPY')).toBe(true);
    expect(isCurrencyCode('ABC')).toBe(false);
    expect(isCurrencyCode('usd')).toBe(false);
  });

  it('makes name-based UUIDs as RFC 9562 specifies (its DNS example)', () => {
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

/**
 * How the dashboard writes figures for people, in English and in UTC (the time travel slider and the API speak
 * UTC); the raw figures stay in data-value attributes for programs. Amounts come from the API in minor units
 * (cents) with their ISO 4217 currency.
 */

const LOCALE = 'en';

/** What a missing figure (a rate of nothing) is written as. */
export const NOTHING = '–';

/** A currency's format, and the digits of its minor unit (2 for EUR, 0 for JPY). */
interface MoneyFormat {
  readonly format: Intl.NumberFormat;
  readonly minorUnit: number;
}

const moneyFormats = new Map<string, MoneyFormat>();

function moneyFormat(currency: string): MoneyFormat {
  let known = moneyFormats.get(currency);
  if (!known) {
    let format: Intl.NumberFormat;
    try {
      format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    } catch {
      format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    known = { format, minorUnit: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    moneyFormats.set(currency, known);
  }
  return known;
}

/** An amount in minor units (cents) of a currency, as people read it: €12,500.00. */
export function formatMoney(amount: number, currency: string): string {
  const { format, minorUnit } = moneyFormat(currency);
  return format.format(amount / minorUnit);
}

/**
 * A format made when first used (or prepared), not when the script is evaluated: the page's first Intl format
 * costs tens of milliseconds (the browser lists the locales it has), which the page pays while its first
 * requests are on their way (prepareFormats), not before it sends them.
 */
function madeWhenUsed<F>(make: () => F): () => F {
  let made: F | undefined;
  return () => (made ??= make());
}

const countFormat = madeWhenUsed(() => new Intl.NumberFormat(LOCALE));

/** A whole number with thousands separators: 12,500. */
export const formatCount = (value: number): string => countFormat().format(value);
/** A rate from 0 to 1 as a percentage to a tenth: 42.5%; none (null): NOTHING. */
export const formatRate = (rate: number | null): string =>
  rate === null ? NOTHING : `${Math.round(rate * 1000) / 10}%`;
/** A percentage (0 to 100): 40%. */
export const formatPercent = (value: number): string => `${Math.round(value * 10) / 10}%`;
/** Score points, signed: +25, −10, 0. */
export const formatPoints = (value: number): string =>
  value > 0 ? `+${value}` : value < 0 ? `−${Math.abs(value)}` : '0';
/** A number of days to a tenth: 3.5 days; none (null): NOTHING. */
export const formatDays = (days: number | null): string =>
  days === null ? NOTHING : `${Math.round(days * 10) / 10} ${days === 1 ? 'day' : 'days'}`;

const dateFormat = madeWhenUsed(
  () => new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' }),
);
const momentFormat = madeWhenUsed(
  () => new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }),
);
const monthFormat = madeWhenUsed(
  () => new Intl.DateTimeFormat(LOCALE, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
);

/** A date (2026-12-31, or a moment's day) as people read it: Dec 31, 2026. */
export const formatDate = (value: string): string => dateFormat().format(new Date(value));
/** A moment (ISO, or milliseconds since the epoch), to the second, in UTC. */
export const formatMoment = (value: string | number): string =>
  `${momentFormat().format(new Date(value))} UTC`;
/** A moment (ISO), as people read it: date and time to the second, in UTC. */
export const formatDateTime = (value: string): string => formatMoment(value);
/** A month of a report (2026-09) as people read it: September 2026. */
export const formatMonth = (month: string): string => monthFormat().format(new Date(`${month}-01T00:00:00Z`));

/** Makes the formats every view uses now, rather than at the first figure drawn: see madeWhenUsed. */
export function prepareFormats(): void {
  countFormat();
  dateFormat();
  momentFormat();
}

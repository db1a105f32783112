import { isCalendarDate } from '@app/domain';

/*
 * What the reports share: how a period's bounds and event times become instants, how whole UTC days are
 * found, how weighted values are rounded, and the order in which rows and per-currency lists are given.
 */

const BOUND =
  /^(\d{4}-\d{2}-\d{2}|[+-]\d{6}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const validZone = (zone: string): boolean =>
  zone === 'Z' || (Number(zone.slice(1, 3)) <= 23 && Number(zone.slice(4, 6)) <= 59);

/** A date in a signed six-digit year, on the calendar and written as toISOString writes it (+002026 is not). */
function isExpandedDate(date: string): boolean {
  const time = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(date);
}

export interface ReportInstantOptions {
  /**
   * Also take a year outside 0000-9999 written as toISOString writes it (+010000, -000001): only for a
   * report whose ranges place such a bound (before or after every event time) instead of misreading it.
   */
  readonly expandedYears?: boolean;
}

/**
 * A report bound (an ISO 8601 date or date-time: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]) as
 * toISOString writes it, so that string order is time order; undefined when absent. A date is its UTC start
 * of day, a date-time without an offset is UTC (every time in the product is). Stricter than Date.parse,
 * which takes "1" or "March 1" in the server's time zone and rolls February 30 over into March. Throws a
 * RangeError naming the bound for anything else.
 */
export function reportInstant(
  value: string | undefined,
  name: string,
  options: ReportInstantOptions = {},
): string | undefined {
  if (value === undefined) return undefined;
  const match = BOUND.exec(value);
  const [, date = '', hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match ?? [];
  // Milliseconds are the finest a stored instant has.
  const time = Date.parse(`${date}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${zone}`);
  if (
    !match ||
    !(isCalendarDate(date) || (options.expandedYears === true && isExpandedDate(date))) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59 ||
    !validZone(zone) ||
    // Only a six-digit year can fall outside the times a Date holds.
    Number.isNaN(time)
  ) {
    throw new RangeError(`${name} is not an ISO 8601 date or instant: "${value}"`);
  }
  return new Date(time).toISOString();
}

/**
 * A time written in an event, as toISOString writes it so that documents order by it as text; undefined
 * when it is not a time at all. Lenient like Date.parse: what was stored once must be read the same on rebuild.
 */
export function storedInstant(value: string): string | undefined {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const DAY_MS = 86_400_000;

/** The instant a UTC day (YYYY-MM-DD) starts, as toISOString writes it. */
export const dayStart = (day: string): string => `${day}T00:00:00.000Z`;

/** The first UTC day (YYYY-MM-DD) that starts at or after this instant (as toISOString writes it). */
export function firstDayFrom(instant: string): string {
  const day = instant.slice(0, 10);
  const start = dayStart(day);
  return instant === start ? day : new Date(Date.parse(start) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * A sum of amount x whole percent in minor units: round(sum / 100), halves up. On integers, so that it stays
 * exact beyond 2^53; such sums are never negative (amounts and probabilities are not).
 */
export const roundedPercent = (sum: bigint): number => Number((sum + 50n) / 100n);

/** part / whole, or null when whole is 0: a rate with nothing to measure it on. */
export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** Names and codes in code-unit order (the same on every machine, unlike localeCompare); null last. */
export const byName = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

/** Map or object entries ordered by their key, by byName. */
export const sortedByKey = <K extends string | null, V>(
  entries: Iterable<readonly [K, V]>,
): (readonly [K, V])[] => [...entries].sort(([a], [b]) => byName(a, b));

export interface CurrencyTotal {
  readonly currency: string;
  readonly total: number;
}

/** Totals per currency as every report lists them: by currency code. Sums kept exact as bigint end here. */
export const currencyTotals = (totals: Iterable<readonly [string, number | bigint]>): CurrencyTotal[] =>
  sortedByKey(totals).map(([currency, total]) => ({ currency, total: Number(total) }));

/** The map's value for this key, added by `create` when there is none yet. */
export function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

import { dayStart, firstDayFrom } from './report-values';

/**
 * How a report reads what happened in a period [from, to) without reading every document of it: counts are
 * kept in buckets per UTC month and per UTC day (beside the documents they sum up), and a period is read as
 * the whole months it holds, the whole days around them, and, only at its two edges, the part of a day that
 * must be read document by document. A year then costs about 12 + 60 buckets and two days of documents.
 */

/** Bounds on keys or instants compared as text: an absent bound is open. */
export interface TextRange {
  readonly gte?: string;
  readonly lt?: string;
}

export interface PeriodPlan {
  /** Whole UTC months (YYYY-MM), read from month buckets; null for none. */
  readonly months: TextRange | null;
  /** Whole UTC days (YYYY-MM-DD) around them, read from day buckets. */
  readonly days: readonly TextRange[];
  /** Instants at the edges that no whole day covers, read document by document. */
  readonly instants: readonly TextRange[];
}

export type BucketPeriod = 'day' | 'month';

/** The buckets an instant (as toISOString writes it) counts in: its UTC day and its UTC month. */
export const bucketsOf = (
  instant: string,
): readonly [readonly [BucketPeriod, string], readonly [BucketPeriod, string]] => [
  ['day', instant.slice(0, 10)],
  ['month', instant.slice(0, 7)],
];

/** A range with only the bounds given: an absent bound is left out, never sent to a store as undefined. */
export const between = (gte: string | undefined, lt: string | undefined): TextRange => ({
  ...(gte === undefined ? {} : { gte }),
  ...(lt === undefined ? {} : { lt }),
});

/** The month (YYYY-MM) after this one. */
export const nextMonth = (month: string): string => {
  const [year, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12
    ? `${String(year + 1).padStart(4, '0')}-01`
    : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
};

/** Days and months are named in four-digit years: what lies after 9999 has no such name. */
const FOUR_DIGIT_YEAR = /^\d{4}-/;

/**
 * Splits [from, to) (instants as toISOString writes them, either open) into the UTC days it holds whole and
 * the partial days at its edges; null days when it holds no whole day.
 */
export function splitDays(
  from: string | undefined,
  to: string | undefined,
): { days: TextRange | null; instants: TextRange[] } {
  const firstDay = from === undefined ? undefined : firstDayFrom(from);
  const endDay = to?.slice(0, 10);
  if (
    (firstDay !== undefined && !FOUR_DIGIT_YEAR.test(firstDay)) ||
    (firstDay !== undefined && endDay !== undefined && firstDay >= endDay)
  ) {
    return { days: null, instants: [between(from, to)] };
  }
  const instants: TextRange[] = [];
  if (from !== undefined && firstDay !== undefined && from < dayStart(firstDay)) {
    instants.push(between(from, dayStart(firstDay)));
  }
  if (to !== undefined && endDay !== undefined && dayStart(endDay) < to) {
    instants.push(between(dayStart(endDay), to));
  }
  return { days: between(firstDay, endDay), instants };
}

/** Splits a range of whole days into the whole UTC months it holds (null for none) and the days around them. */
export function splitMonths(days: TextRange): { months: TextRange | null; days: TextRange[] } {
  const { gte, lt } = days;
  const firstMonth =
    gte === undefined ? undefined : gte.endsWith('-01') ? gte.slice(0, 7) : nextMonth(gte.slice(0, 7));
  const endMonth = lt?.slice(0, 7);
  if (
    (firstMonth !== undefined && !FOUR_DIGIT_YEAR.test(firstMonth)) ||
    (firstMonth !== undefined && endMonth !== undefined && firstMonth >= endMonth)
  ) {
    return { months: null, days: [days] };
  }
  const around: TextRange[] = [];
  if (gte !== undefined && firstMonth !== undefined && gte < `${firstMonth}-01`)
    around.push(between(gte, `${firstMonth}-01`));
  if (lt !== undefined && endMonth !== undefined && `${endMonth}-01` < lt)
    around.push(between(`${endMonth}-01`, lt));
  return { months: between(firstMonth, endMonth), days: around };
}

/** The whole months, whole days and edge instants that make up [from, to). */
export function planPeriod(from: string | undefined, to: string | undefined): PeriodPlan {
  const { days, instants } = splitDays(from, to);
  if (!days) return { months: null, days: [], instants };
  const split = splitMonths(days);
  return { months: split.months, days: split.days, instants };
}

/**
 * The key range of one scope's buckets of one period within a range: bucket keys are
 * `<scope>|<period>:<day or month>`, and ';' sorts right after ':', so `<scope>|<period>;` bounds them all.
 */
export const bucketKeyRange = (scope: string, period: BucketPeriod, range: TextRange): TextRange => ({
  gte: `${scope}|${period}:${range.gte ?? ''}`,
  lt: range.lt === undefined ? `${scope}|${period};` : `${scope}|${period}:${range.lt}`,
});

export const bucketKey = (scope: string, period: BucketPeriod, value: string): string =>
  `${scope}|${period}:${value}`;

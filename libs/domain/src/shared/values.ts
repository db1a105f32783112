import { invalid } from './domain-error';

/** Money: an integer amount in minor units (cents) and an ISO 4217 currency code. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const isCurrencyCode = (code: string): boolean => /^[A-Z]{3}$/.test(code) && currencies.has(code);

/** Largest amount accepted: keeps every sum of amounts exact in a double. */
export const MAX_AMOUNT = 1_000_000_000_000_000;

export function assertMoney(money: Money, field: string): void {
  if (!Number.isSafeInteger(money.amount) || money.amount < 0 || money.amount > MAX_AMOUNT) {
    throw invalid(
      'INVALID_AMOUNT',
      `${field}.amount`,
      `the amount must be an integer number of minor units between 0 and ${MAX_AMOUNT}`,
    );
  }
  if (!isCurrencyCode(money.currency)) {
    throw invalid(
      'INVALID_CURRENCY',
      `${field}.currency`,
      `"${money.currency}" is not an ISO 4217 currency code`,
    );
  }
}

/** A calendar date written YYYY-MM-DD that exists (no 2025-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function assertCalendarDate(value: string, field: string): void {
  if (!isCalendarDate(value)) {
    throw invalid('INVALID_DATE', field, `"${value}" is not a calendar date written YYYY-MM-DD`);
  }
}

/** Lowercase slug used for lead sources and tags: web_form, paid-ads, event2026. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/;

export function assertText(value: string, field: string, maxLength: number): void {
  if (value.trim().length === 0) {
    throw invalid('REQUIRED_FIELD', field, `${field} must not be empty`);
  }
  if (value.length > maxLength) {
    throw invalid('FIELD_TOO_LONG', field, `${field} must be at most ${maxLength} characters`);
  }
}

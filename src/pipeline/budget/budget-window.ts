import type { BudgetWindow } from './budget-types.js';

/**
 * Budget windows, all in UTC.
 *
 * - `minute`: one bucket per clock minute, `min:<minutes since epoch>` (rate limits).
 * - `daily`: one bucket per calendar day, `d:YYYY-MM-DD`, reset at UTC midnight.
 * - `monthly`: one bucket per calendar month, `m:YYYY-MM`, reset at 00:00 UTC on the 1st.
 * - `rolling` N hours: spend is recorded in whole-hour buckets `h:<hours since epoch>`, and the
 *   window's usage is the sum of the last N buckets, the current partial hour included. The
 *   granularity is therefore one hour: spend leaves the window between N−1 and N hours after it
 *   happened (when its whole bucket falls out), never earlier.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The longest rolling window accepted (one leap year), so a window never sums unbounded buckets. */
export const MAX_ROLLING_HOURS = 8_784;

/** Returns the reason a window is invalid, or `undefined` when it is valid. */
export function describeInvalidWindow(window: BudgetWindow): string | undefined {
  if (window.kind !== 'rolling') return undefined;
  if (!Number.isInteger(window.hours) || window.hours < 1 || window.hours > MAX_ROLLING_HOURS) {
    return `rolling window hours must be an integer from 1 to ${MAX_ROLLING_HOURS}, got ${window.hours}`;
  }
  return undefined;
}

function hourIndex(now: number): number {
  return Math.floor(now / HOUR_MS);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Epoch ms at which the window containing `now` starts (for rolling: the oldest counted hour bucket). */
export function windowStart(window: BudgetWindow, now: number): number {
  switch (window.kind) {
    case 'minute':
      return Math.floor(now / MINUTE_MS) * MINUTE_MS;
    case 'daily':
      return Math.floor(now / DAY_MS) * DAY_MS;
    case 'monthly': {
      const date = new Date(now);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    }
    case 'rolling':
      return (hourIndex(now) - window.hours + 1) * HOUR_MS;
  }
}

/**
 * Epoch ms at which usage next changes by the clock alone: the next UTC midnight, the next 1st of
 * the month, or for rolling windows the next hour boundary (when the oldest bucket drops out).
 */
export function windowResetAt(window: BudgetWindow, now: number): number {
  switch (window.kind) {
    case 'minute':
      return windowStart(window, now) + MINUTE_MS;
    case 'daily':
      return windowStart(window, now) + DAY_MS;
    case 'monthly': {
      const date = new Date(now);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    }
    case 'rolling':
      return (hourIndex(now) + 1) * HOUR_MS;
  }
}

/** The key of the bucket that spend at `now` is recorded in. */
export function windowKey(window: BudgetWindow, now: number): string {
  const date = new Date(now);
  switch (window.kind) {
    case 'minute':
      return `min:${Math.floor(now / MINUTE_MS)}`;
    case 'daily':
      return `d:${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
    case 'monthly':
      return `m:${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}`;
    case 'rolling':
      return `h:${hourIndex(now)}`;
  }
}

/** The bucket keys whose sum is the window's usage at `now`, oldest first. */
export function countedWindowKeys(window: BudgetWindow, now: number): string[] {
  if (window.kind !== 'rolling') return [windowKey(window, now)];
  const current = hourIndex(now);
  const keys: string[] = [];
  for (let index = current - window.hours + 1; index <= current; index += 1) keys.push(`h:${index}`);
  return keys;
}

/**
 * Epoch ms after which the bucket recorded at `now` is no longer counted by any window, so a
 * store may drop it: the window's end for calendar windows, N hours after the bucket's hour ends
 * for rolling windows.
 */
export function bucketRetainUntil(window: BudgetWindow, now: number): number {
  if (window.kind !== 'rolling') return windowResetAt(window, now);
  return (hourIndex(now) + window.hours) * HOUR_MS;
}

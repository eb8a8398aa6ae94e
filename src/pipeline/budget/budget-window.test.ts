import { describe, expect, it } from 'vitest';
import { bucketRetainUntil, countedWindowKeys, describeInvalidWindow, windowKey, windowResetAt, windowStart } from './budget-window.js';

const daily = { kind: 'daily' } as const;
const monthly = { kind: 'monthly' } as const;
const rolling3 = { kind: 'rolling', hours: 3 } as const;

describe('budget windows', () => {
  it('aligns daily windows to UTC midnight', () => {
    const lastMoment = Date.UTC(2025, 5, 15, 23, 59, 59, 999);
    expect(windowStart(daily, lastMoment)).toBe(Date.UTC(2025, 5, 15));
    expect(windowResetAt(daily, lastMoment)).toBe(Date.UTC(2025, 5, 16));
    expect(windowKey(daily, lastMoment)).toBe('d:2025-06-15');
    expect(windowKey(daily, lastMoment + 1)).toBe('d:2025-06-16');
  });

  it('aligns monthly windows to the 1st, across month and year ends', () => {
    expect(windowKey(monthly, Date.UTC(2025, 1, 28, 23, 59, 59, 999))).toBe('m:2025-02');
    expect(windowKey(monthly, Date.UTC(2025, 2, 1))).toBe('m:2025-03');
    expect(windowStart(monthly, Date.UTC(2024, 1, 29, 12))).toBe(Date.UTC(2024, 1, 1));
    expect(windowResetAt(monthly, Date.UTC(2024, 1, 29, 12))).toBe(Date.UTC(2024, 2, 1));
    expect(windowResetAt(monthly, Date.UTC(2025, 11, 31, 23))).toBe(Date.UTC(2026, 0, 1));
    expect(windowKey(monthly, Date.UTC(2026, 0, 1))).toBe('m:2026-01');
  });

  it('buckets rolling windows by hour and counts the last N buckets', () => {
    const now = Date.UTC(2025, 5, 15, 12, 30);
    const hour = Math.floor(now / 3_600_000);
    expect(windowKey(rolling3, now)).toBe(`h:${hour}`);
    expect(countedWindowKeys(rolling3, now)).toEqual([`h:${hour - 2}`, `h:${hour - 1}`, `h:${hour}`]);
    expect(windowStart(rolling3, now)).toBe(Date.UTC(2025, 5, 15, 10));
    expect(windowResetAt(rolling3, now)).toBe(Date.UTC(2025, 5, 15, 13));
    expect(bucketRetainUntil(rolling3, now)).toBe(Date.UTC(2025, 5, 15, 15));
  });

  it('keeps calendar buckets until their window ends', () => {
    expect(countedWindowKeys(daily, Date.UTC(2025, 5, 15, 8))).toEqual(['d:2025-06-15']);
    expect(bucketRetainUntil(daily, Date.UTC(2025, 5, 15, 8))).toBe(Date.UTC(2025, 5, 16));
  });

  it('rejects rolling windows that are not a whole number of hours in range', () => {
    expect(describeInvalidWindow({ kind: 'rolling', hours: 0 })).toMatch(/hours/);
    expect(describeInvalidWindow({ kind: 'rolling', hours: 1.5 })).toMatch(/hours/);
    expect(describeInvalidWindow({ kind: 'rolling', hours: 100_000 })).toMatch(/hours/);
    expect(describeInvalidWindow({ kind: 'rolling', hours: 24 })).toBeUndefined();
    expect(describeInvalidWindow(daily)).toBeUndefined();
  });
});

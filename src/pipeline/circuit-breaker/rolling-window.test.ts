import { describe, expect, it } from 'vitest';
import { addToWindow, emptyWindow, windowBucketCount, windowTotals, type RollingWindow } from './rolling-window.js';

const windowMs = 30_000;

function addAll(window: RollingWindow, entries: readonly (readonly [at: number, failed: boolean])[]): RollingWindow {
  return entries.reduce((current, [at, failed]) => addToWindow(current, at, windowMs, failed), window);
}

describe('rolling window', () => {
  it('counts requests and failures across buckets', () => {
    const window = addAll(emptyWindow, [[0, true], [1, false], [4_000, true], [29_999, false]]);
    expect(windowTotals(window, 29_999, windowMs)).toEqual({ requests: 4, failures: 2 });
  });

  it('drops a bucket once it is a whole window old', () => {
    // Buckets are 3 s wide; the one for [0, 3000) is still inside the window until 30 000.
    const window = addAll(emptyWindow, [[0, true], [3_000, true]]);
    expect(windowTotals(window, 29_999, windowMs)).toEqual({ requests: 2, failures: 2 });
    expect(windowTotals(window, 30_000, windowMs)).toEqual({ requests: 1, failures: 1 });
    expect(windowTotals(window, 33_000, windowMs)).toEqual({ requests: 0, failures: 0 });
  });

  it('resets a reused slot instead of adding to last cycle\'s counts', () => {
    const window = addAll(emptyWindow, [[0, true], [0, true], [30_000, false]]);
    expect(windowTotals(window, 30_000, windowMs)).toEqual({ requests: 1, failures: 0 });
  });

  it('keeps a fixed number of buckets however many requests arrive', () => {
    let window = emptyWindow;
    for (let at = 0; at < 120_000; at += 7) window = addToWindow(window, at, windowMs, at % 2 === 0);
    expect(window).toHaveLength(windowBucketCount);
  });

  it('returns a new window and leaves the old one untouched', () => {
    const before = addToWindow(emptyWindow, 0, windowMs, true);
    const after = addToWindow(before, 0, windowMs, false);
    expect(windowTotals(before, 0, windowMs)).toEqual({ requests: 1, failures: 1 });
    expect(windowTotals(after, 0, windowMs)).toEqual({ requests: 2, failures: 1 });
  });

  it('skips buckets from the future when the clock steps back', () => {
    const window = addToWindow(emptyWindow, 10_000, windowMs, true);
    expect(windowTotals(window, 5_000, windowMs)).toEqual({ requests: 0, failures: 0 });
  });
});

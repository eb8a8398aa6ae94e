import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { createStickyAssignments } from './sticky-assignments.js';

function manualClock(): Clock & { advance(ms: number): void } {
  let monotonic = 0;
  return {
    now: () => 1_700_000_000_000 + monotonic,
    monotonic: () => monotonic,
    advance(ms) {
      monotonic += ms;
    },
  };
}

describe('createStickyAssignments', () => {
  it('returns an assignment until its TTL passes without use', () => {
    const clock = manualClock();
    const sticky = createStickyAssignments({ clock, ttlMs: 1_000, maxEntries: 10 });
    sticky.set('s', 'a');
    clock.advance(999);
    expect(sticky.get('s')).toBe('a');
    clock.advance(1_000);
    expect(sticky.get('s')).toBeUndefined();
    expect(sticky.size).toBe(0);
  });

  it('renews the TTL on every use', () => {
    const clock = manualClock();
    const sticky = createStickyAssignments({ clock, ttlMs: 1_000, maxEntries: 10 });
    sticky.set('s', 'a');
    for (let step = 0; step < 5; step++) {
      clock.advance(900);
      expect(sticky.get('s')).toBe('a');
    }
  });

  it('re-assigns a key', () => {
    const sticky = createStickyAssignments({ clock: manualClock(), ttlMs: 1_000, maxEntries: 10 });
    sticky.set('s', 'a');
    sticky.set('s', 'b');
    expect(sticky.get('s')).toBe('b');
    expect(sticky.size).toBe(1);
  });

  it('evicts the least recently used assignment when full', () => {
    const sticky = createStickyAssignments({ clock: manualClock(), ttlMs: 1_000, maxEntries: 2 });
    sticky.set('one', 'a');
    sticky.set('two', 'b');
    expect(sticky.get('one')).toBe('a');
    sticky.set('three', 'c');
    expect(sticky.size).toBe(2);
    expect(sticky.get('two')).toBeUndefined();
    expect(sticky.get('one')).toBe('a');
    expect(sticky.get('three')).toBe('c');
  });

  it('drops expired assignments when a new one is set', () => {
    const clock = manualClock();
    const sticky = createStickyAssignments({ clock, ttlMs: 1_000, maxEntries: 10 });
    sticky.set('one', 'a');
    sticky.set('two', 'b');
    clock.advance(1_000);
    sticky.set('three', 'c');
    expect(sticky.size).toBe(1);
  });

  it('rejects bad options when built', () => {
    expect(() => createStickyAssignments({ clock: manualClock(), ttlMs: Number.NaN, maxEntries: 1 })).toThrow(/ttlMs/);
    expect(() => createStickyAssignments({ clock: manualClock(), ttlMs: 1, maxEntries: 1.5 })).toThrow(/maxEntries/);
  });
});

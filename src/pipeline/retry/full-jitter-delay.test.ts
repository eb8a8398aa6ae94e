import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../testing/simulator/seeded-random.js';
import { fullJitterDelayMs } from './full-jitter-delay.js';

const policy = { baseDelayMs: 200, maxDelayMs: 5_000 };

describe('fullJitterDelayMs', () => {
  it('is random() × min(maxDelay, base × 2^(n−1))', () => {
    expect(fullJitterDelayMs(1, policy, () => 0.5)).toBe(100);
    expect(fullJitterDelayMs(3, policy, () => 0.5)).toBe(400);
    expect(fullJitterDelayMs(6, policy, () => 0.5)).toBe(2_500); // 200 × 32 = 6400, capped at 5000
    expect(fullJitterDelayMs(4, policy, () => 0)).toBe(0);
  });

  it('stays in [0, cap) for every retry with a seeded random, and uses the whole range', () => {
    const random = createSeededRandom(42);
    for (let retryNumber = 1; retryNumber <= 12; retryNumber++) {
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
      const delays = Array.from({ length: 500 }, () => fullJitterDelayMs(retryNumber, policy, () => random.next()));
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(cap);
      }
      // Full jitter, not "equal jitter": values land in both the lower and the upper part of the range.
      expect(Math.min(...delays)).toBeLessThan(cap * 0.1);
      expect(Math.max(...delays)).toBeGreaterThan(cap * 0.9);
    }
  });

  it('keeps the cap finite for very large retry numbers', () => {
    expect(fullJitterDelayMs(5_000, policy, () => 0.999)).toBeCloseTo(4_995, 6);
  });

  it.each([0, -1, 1.5])('rejects retryNumber %s', (retryNumber) => {
    expect(() => fullJitterDelayMs(retryNumber, policy, () => 0.5)).toThrow(/retryNumber must be an integer of at least 1/);
  });
});

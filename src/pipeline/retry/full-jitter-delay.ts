import type { RetryPolicy } from './retry-policy.js';

/**
 * Full-jitter exponential backoff: a uniformly random wait in `[0, cap)` where
 * `cap = min(maxDelayMs, baseDelayMs × 2^(retryNumber − 1))`. `retryNumber` is 1 for the first retry;
 * `random` returns a float in `[0, 1)`.
 */
export function fullJitterDelayMs(
  retryNumber: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  if (!Number.isInteger(retryNumber) || retryNumber < 1) {
    throw new RangeError(`fullJitterDelayMs: retryNumber must be an integer of at least 1; got ${retryNumber}.`);
  }
  // 2^(n−1) overflows to Infinity for huge n; `min` keeps the cap finite.
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return random() * cap;
}

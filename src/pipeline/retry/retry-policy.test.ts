import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, resolveRetryPolicy, type RetryPolicy } from './retry-policy.js';

describe('resolveRetryPolicy', () => {
  it('fills in the documented defaults', () => {
    expect(resolveRetryPolicy()).toStrictEqual({ maxAttempts: 3, budgetMs: 10_000, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 10_000 });
    expect(resolveRetryPolicy({})).toStrictEqual(defaultRetryPolicy);
  });

  it('treats undefined fields (the config loader’s shape) as unset', () => {
    const policy = resolveRetryPolicy({ maxAttempts: undefined, budgetMs: 4_000, baseDelayMs: undefined, maxDelayMs: undefined });
    expect(policy).toStrictEqual({ maxAttempts: 3, budgetMs: 4_000, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 4_000 });
  });

  it('defaults maxRetryAfterMs to the resolved budget, and keeps an explicit one', () => {
    expect(resolveRetryPolicy({ budgetMs: 2_500 }).maxRetryAfterMs).toBe(2_500);
    expect(resolveRetryPolicy({ budgetMs: 2_500, maxRetryAfterMs: 1_000 }).maxRetryAfterMs).toBe(1_000);
  });

  it('returns a frozen policy', () => {
    expect(Object.isFrozen(resolveRetryPolicy({ maxAttempts: 5 }))).toBe(true);
  });

  it.each<[Partial<RetryPolicy>, keyof RetryPolicy]>([
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 2.5 }, 'maxAttempts'],
    [{ budgetMs: -1 }, 'budgetMs'],
    [{ budgetMs: Number.POSITIVE_INFINITY }, 'budgetMs'],
    [{ baseDelayMs: Number.NaN }, 'baseDelayMs'],
    [{ maxDelayMs: -5 }, 'maxDelayMs'],
    [{ maxRetryAfterMs: -1 }, 'maxRetryAfterMs'],
    [{ baseDelayMs: 1_000, maxDelayMs: 500 }, 'maxDelayMs'],
  ])('rejects %o naming %s', (partial, field) => {
    expect(() => resolveRetryPolicy(partial)).toThrow(RangeError);
    expect(() => resolveRetryPolicy(partial)).toThrow(new RegExp(`^Invalid retry policy: ${field} must be`));
  });

  it('accepts zero budget and zero delays (no waiting at all)', () => {
    expect(resolveRetryPolicy({ budgetMs: 0, baseDelayMs: 0, maxDelayMs: 0 })).toMatchObject({ budgetMs: 0, maxRetryAfterMs: 0 });
  });
});

/** How hard one request tries a single logical model before falling back or failing. */
export interface RetryPolicy {
  /** Total attempts on one logical model, including the first (default 3). */
  readonly maxAttempts: number;
  /** Wall-clock budget per request for waiting and retrying, in ms (default 10 000). */
  readonly budgetMs: number;
  /** Backoff cap for the first retry; it doubles per retry (default 200). */
  readonly baseDelayMs: number;
  /** The largest backoff cap, in ms (default 5 000). */
  readonly maxDelayMs: number;
  /**
   * The longest `Retry-After` we are willing to wait, in ms (default: `budgetMs`). A longer one
   * means the model is busy: fall back to the next model instead of waiting.
   */
  readonly maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  budgetMs: 10_000,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 10_000,
});

/** Fills in defaults and rejects impossible values with an error naming the field. Returns a frozen policy. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const maxAttempts = partial.maxAttempts ?? defaultRetryPolicy.maxAttempts;
  const budgetMs = partial.budgetMs ?? defaultRetryPolicy.budgetMs;
  const baseDelayMs = partial.baseDelayMs ?? defaultRetryPolicy.baseDelayMs;
  const maxDelayMs = partial.maxDelayMs ?? defaultRetryPolicy.maxDelayMs;
  const maxRetryAfterMs = partial.maxRetryAfterMs ?? budgetMs;

  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw invalid('maxAttempts', maxAttempts, 'an integer of at least 1 (the first attempt counts)');
  }
  for (const [field, value] of [
    ['budgetMs', budgetMs],
    ['baseDelayMs', baseDelayMs],
    ['maxDelayMs', maxDelayMs],
    ['maxRetryAfterMs', maxRetryAfterMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) throw invalid(field, value, 'a finite number of milliseconds, 0 or more');
  }
  if (maxDelayMs < baseDelayMs) {
    throw invalid('maxDelayMs', maxDelayMs, `at least baseDelayMs (${baseDelayMs}), since it caps the growing backoff`);
  }
  return Object.freeze({ maxAttempts, budgetMs, baseDelayMs, maxDelayMs, maxRetryAfterMs });
}

function invalid(field: keyof RetryPolicy, value: unknown, expected: string): RangeError {
  return new RangeError(`Invalid retry policy: ${field} must be ${expected}; got ${String(value)}.`);
}

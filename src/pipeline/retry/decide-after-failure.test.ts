import { describe, expect, it } from 'vitest';
import { errorCodes, TollgateError, type ErrorCode } from '../../core/errors.js';
import { createSeededRandom } from '../../testing/simulator/seeded-random.js';
import { decideAfterFailure } from './decide-after-failure.js';
import { errorClassOf } from './error-class.js';
import { resolveRetryPolicy } from './retry-policy.js';

const policy = resolveRetryPolicy({ maxAttempts: 3, budgetMs: 10_000, baseDelayMs: 200, maxDelayMs: 5_000 });
const firstFailure = { attempt: 1, elapsedMs: 0 };
const half = () => 0.5;

function upstreamError(code: ErrorCode, options: { status?: number; isRetryable?: boolean; retryAfterMs?: number } = {}): TollgateError {
  return new TollgateError({
    code,
    message: code,
    isRetryable: options.isRetryable ?? false,
    retryAfterMs: options.retryAfterMs,
    upstream: options.status === undefined ? undefined : { status: options.status, body: undefined },
  });
}

describe('decideAfterFailure by error class', () => {
  // Errors as the adapters build them (see providers/http/upstream-error.ts).
  it.each<[string, TollgateError, 'retry' | 'fallback' | 'fail', string]>([
    ['rate-limit', upstreamError('TG_ERR_UPSTREAM_RATE_LIMITED', { status: 429, isRetryable: true }), 'retry', 'retry: 429, waited 100 ms (backoff)'],
    ['spent quota (429, not retryable)', upstreamError('TG_ERR_UPSTREAM_RATE_LIMITED', { status: 429 }), 'fail', 'fail: 429, rate-limit is not retryable'],
    ['overload', upstreamError('TG_ERR_UPSTREAM_OVERLOADED', { status: 529, isRetryable: true }), 'retry', 'retry: 529, waited 100 ms (backoff)'],
    ['server', upstreamError('TG_ERR_UPSTREAM_SERVER', { status: 500, isRetryable: true }), 'retry', 'retry: 500, waited 100 ms (backoff)'],
    ['conflict', upstreamError('TG_ERR_UPSTREAM_CONFLICT', { status: 409, isRetryable: true }), 'retry', 'retry: 409, waited 100 ms (backoff)'],
    ['protocol', upstreamError('TG_ERR_UPSTREAM_PROTOCOL', { isRetryable: true }), 'retry', 'retry: server, waited 100 ms (backoff)'],
    ['timeout (no response)', upstreamError('TG_ERR_UPSTREAM_TIMEOUT', { isRetryable: true }), 'retry', 'retry: timeout, waited 100 ms (backoff)'],
    ['connect', upstreamError('TG_ERR_UPSTREAM_CONNECT', { isRetryable: true }), 'retry', 'retry: connect, waited 100 ms (backoff)'],
    ['stream-interrupted', upstreamError('TG_ERR_STREAM_INTERRUPTED', { isRetryable: true }), 'retry', 'retry: stream-interrupted, waited 100 ms (backoff)'],
    ['context-window', upstreamError('TG_ERR_UPSTREAM_CONTEXT_LENGTH', { status: 400 }), 'fallback', 'fallback: 400, context-window is not retryable on this model'],
    ['content-policy', upstreamError('TG_ERR_UPSTREAM_CONTENT_POLICY', { status: 400 }), 'fallback', 'fallback: 400, content-policy is not retryable on this model'],
    ['invalid-request', upstreamError('TG_ERR_UPSTREAM_BAD_REQUEST', { status: 400 }), 'fail', 'fail: 400, invalid-request is not retryable'],
    ['unprocessable', upstreamError('TG_ERR_UPSTREAM_UNPROCESSABLE', { status: 422 }), 'fail', 'fail: 422, invalid-request is not retryable'],
    ['auth', upstreamError('TG_ERR_UPSTREAM_AUTH', { status: 401 }), 'fail', 'fail: 401, auth is not retryable'],
    ['not-found', upstreamError('TG_ERR_UPSTREAM_NOT_FOUND', { status: 404 }), 'fail', 'fail: 404, not-found is not retryable'],
    ['unknown model', upstreamError('TG_ERR_UNKNOWN_MODEL'), 'fail', 'fail: not-found, not-found is not retryable'],
    ['circuit open (long cool-down)', upstreamError('TG_ERR_CIRCUIT_OPEN', { isRetryable: true, retryAfterMs: 30_000 }), 'fallback', 'fallback: overload, retry-after 30000 ms exceeds maxRetryAfterMs (10000 ms)'],
    ['aborted', upstreamError('TG_ERR_CLIENT_ABORTED'), 'fail', 'fail: client went away'],
    ['internal', upstreamError('TG_ERR_INTERNAL'), 'fail', 'fail: internal, internal is not retryable'],
  ])('%s → %s', (_name, error, action, reason) => {
    const decision = decideAfterFailure(error, firstFailure, policy, half);
    expect(decision.action).toBe(action);
    expect(decision.reason).toBe(reason);
  });

  it('never retries an abort, even one wrongly marked retryable', () => {
    const decision = decideAfterFailure(upstreamError('TG_ERR_CLIENT_ABORTED', { isRetryable: true, retryAfterMs: 10 }), firstFailure, policy, half);
    expect(decision).toStrictEqual({ action: 'fail', reason: 'fail: client went away' });
  });

  it.each(Object.keys(errorCodes) as ErrorCode[])('never retries a non-retryable %s', (code) => {
    const decision = decideAfterFailure(upstreamError(code, { isRetryable: false, retryAfterMs: 0 }), firstFailure, policy, half);
    expect(decision.action).not.toBe('retry');
    const fallsBack = ['context-window', 'content-policy'].includes(errorClassOf(upstreamError(code)));
    expect(decision.action).toBe(fallsBack ? 'fallback' : 'fail');
  });
});

describe('decideAfterFailure waits', () => {
  const rateLimited = (retryAfterMs: number | undefined) =>
    upstreamError('TG_ERR_UPSTREAM_RATE_LIMITED', { status: 429, isRetryable: true, retryAfterMs });

  it('honours a Retry-After longer than the backoff', () => {
    expect(decideAfterFailure(rateLimited(1_200), firstFailure, policy, half)).toStrictEqual({
      action: 'retry',
      delayMs: 1_200,
      reason: 'retry: 429, waited 1200 ms (retry-after)',
    });
  });

  it('keeps the backoff when the Retry-After is shorter, rounding up to whole ms', () => {
    // After the second attempt: cap 400, random 0.9001 → 360.04 ms → 361 ms.
    const decision = decideAfterFailure(rateLimited(10), { attempt: 2, elapsedMs: 0 }, policy, () => 0.9001);
    expect(decision).toStrictEqual({ action: 'retry', delayMs: 361, reason: 'retry: 429, waited 361 ms (backoff)' });
  });

  it('rounds a fractional Retry-After up, never cutting it short', () => {
    const decision = decideAfterFailure(rateLimited(1_200.2), firstFailure, policy, () => 0);
    expect(decision).toMatchObject({ action: 'retry', delayMs: 1_201 });
  });

  it('falls back when the Retry-After is longer than the remaining budget', () => {
    const decision = decideAfterFailure(rateLimited(3_000), { attempt: 1, elapsedMs: 8_000 }, policy, half);
    expect(decision).toStrictEqual({ action: 'fallback', reason: 'fallback: 429, retry-after 3000 ms exceeds the remaining budget (2000 ms)' });
  });

  it('retries when the same Retry-After still fits the budget', () => {
    expect(decideAfterFailure(rateLimited(3_000), { attempt: 1, elapsedMs: 6_999 }, policy, half)).toMatchObject({ action: 'retry', delayMs: 3_000 });
  });

  it('falls back when the Retry-After is longer than maxRetryAfterMs, even inside the budget', () => {
    const patient = resolveRetryPolicy({ budgetMs: 60_000, maxRetryAfterMs: 1_000 });
    expect(decideAfterFailure(rateLimited(1_500), firstFailure, patient, half)).toStrictEqual({
      action: 'fallback',
      reason: 'fallback: 429, retry-after 1500 ms exceeds maxRetryAfterMs (1000 ms)',
    });
    expect(decideAfterFailure(rateLimited(1_000), firstFailure, patient, half)).toMatchObject({ action: 'retry', delayMs: 1_000 });
  });

  it('falls back when the backoff itself does not fit the remaining budget', () => {
    // Third attempt failed with maxAttempts 5: cap 800, random 0.75 → 600 ms, but only 500 ms remain.
    const roomy = resolveRetryPolicy({ maxAttempts: 5 });
    const decision = decideAfterFailure(upstreamError('TG_ERR_UPSTREAM_OVERLOADED', { status: 503, isRetryable: true }), { attempt: 3, elapsedMs: 9_500 }, roomy, () => 0.75);
    expect(decision).toStrictEqual({ action: 'fallback', reason: 'fallback: 503, backoff 600 ms exceeds the remaining budget (500 ms)' });
  });

  it('keeps every delay within [0, cap] and whole, across attempts, with a seeded random', () => {
    const random = createSeededRandom(7);
    const many = resolveRetryPolicy({ maxAttempts: 50, budgetMs: 1_000_000 });
    for (let attempt = 1; attempt < 50; attempt++) {
      const decision = decideAfterFailure(upstreamError('TG_ERR_UPSTREAM_SERVER', { status: 500, isRetryable: true }), { attempt, elapsedMs: 0 }, many, () => random.next());
      if (decision.action !== 'retry') throw new Error(`expected a retry at attempt ${attempt}, got ${decision.reason}`);
      expect(Number.isInteger(decision.delayMs)).toBe(true);
      expect(decision.delayMs).toBeGreaterThanOrEqual(0);
      expect(decision.delayMs).toBeLessThanOrEqual(Math.min(5_000, 200 * 2 ** (attempt - 1)));
    }
  });
});

describe('decideAfterFailure exhaustion', () => {
  const overloaded = upstreamError('TG_ERR_UPSTREAM_OVERLOADED', { status: 503, isRetryable: true });

  it('retries until maxAttempts attempts were made, then falls back', () => {
    expect(decideAfterFailure(overloaded, { attempt: 1, elapsedMs: 0 }, policy, half).action).toBe('retry');
    expect(decideAfterFailure(overloaded, { attempt: 2, elapsedMs: 0 }, policy, half).action).toBe('retry');
    expect(decideAfterFailure(overloaded, { attempt: 3, elapsedMs: 0 }, policy, half)).toStrictEqual({
      action: 'fallback',
      reason: 'fallback: 503, 3 of 3 attempts used',
    });
  });

  it('falls back at once with maxAttempts 1', () => {
    expect(decideAfterFailure(overloaded, firstFailure, resolveRetryPolicy({ maxAttempts: 1 }), half).action).toBe('fallback');
  });

  it('falls back once the budget is spent', () => {
    expect(decideAfterFailure(overloaded, { attempt: 1, elapsedMs: 10_000 }, policy, () => 0)).toStrictEqual({
      action: 'fallback',
      reason: 'fallback: 503, retry budget spent (10000 of 10000 ms)',
    });
    expect(decideAfterFailure(overloaded, { attempt: 1, elapsedMs: 12_345 }, policy, () => 0).action).toBe('fallback');
  });

  it('rejects an attempt number below 1', () => {
    expect(() => decideAfterFailure(overloaded, { attempt: 0, elapsedMs: 0 }, policy, half)).toThrow(RangeError);
  });
});

import type { TollgateError } from '../../core/errors.js';
import { errorClassOf, type ErrorClass } from './error-class.js';
import { fullJitterDelayMs } from './full-jitter-delay.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * What to do after an attempt failed. `reason` is a short human string for the ledger and logs,
 * e.g. `retry: 429, waited 1200 ms (retry-after)`.
 */
export type FailureDecision =
  | { readonly action: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly action: 'fallback'; readonly reason: string }
  | { readonly action: 'fail'; readonly reason: string };

export interface AttemptState {
  /** Attempts made on this logical model so far, including the one that just failed (1-based). */
  readonly attempt: number;
  /** Wall-clock ms of the request's retry budget already used (since its first attempt started). */
  readonly elapsedMs: number;
}

/** Non-retryable classes another (configured) model may still serve; every other one fails. */
const fallbackWhenNotRetryable: ReadonlySet<ErrorClass> = new Set(['context-window', 'content-policy']);

/**
 * Decides between retrying the same model, falling back to the next one, and failing. Pure: it
 * only asks the error (`isRetryable`, `retryAfterMs`, `upstream.status`), never re-derives them.
 *
 * - An abort fails: the client went away, so nothing is worth trying.
 * - A non-retryable failure falls back for context-window and content-policy (a configured
 *   alternate may serve it) and fails otherwise (auth, validation, not found, internal).
 * - A retryable failure is retried after `max(full-jitter backoff, Retry-After)` while attempts
 *   remain and that wait fits both `maxRetryAfterMs` and the remaining budget (with time left over
 *   for the attempt itself); otherwise the model is busy or spent, so it falls back.
 *
 * `delayMs` is whole milliseconds, rounded up so a Retry-After is never cut short.
 */
export function decideAfterFailure(error: TollgateError, state: AttemptState, policy: RetryPolicy, random: () => number): FailureDecision {
  if (!Number.isInteger(state.attempt) || state.attempt < 1) {
    throw new RangeError(`decideAfterFailure: attempt must be an integer of at least 1; got ${state.attempt}.`);
  }
  const errorClass = errorClassOf(error);
  const label = error.upstream?.status === undefined ? errorClass : String(error.upstream.status);

  if (errorClass === 'aborted') return { action: 'fail', reason: 'fail: client went away' };
  if (!error.isRetryable) {
    return fallbackWhenNotRetryable.has(errorClass)
      ? { action: 'fallback', reason: `fallback: ${label}, ${errorClass} is not retryable on this model` }
      : { action: 'fail', reason: `fail: ${label}, ${errorClass} is not retryable` };
  }
  if (state.attempt >= policy.maxAttempts) {
    return { action: 'fallback', reason: `fallback: ${label}, ${state.attempt} of ${policy.maxAttempts} attempts used` };
  }
  const remainingMs = policy.budgetMs - state.elapsedMs;
  if (remainingMs <= 0) {
    return { action: 'fallback', reason: `fallback: ${label}, retry budget spent (${Math.round(state.elapsedMs)} of ${policy.budgetMs} ms)` };
  }

  const retryAfterMs = error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs) ? Math.max(0, error.retryAfterMs) : undefined;
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
    return { action: 'fallback', reason: `fallback: ${label}, retry-after ${Math.ceil(retryAfterMs)} ms exceeds maxRetryAfterMs (${policy.maxRetryAfterMs} ms)` };
  }
  const backoffMs = fullJitterDelayMs(state.attempt, policy, random);
  const source = retryAfterMs !== undefined && retryAfterMs >= backoffMs ? 'retry-after' : 'backoff';
  const delayMs = Math.ceil(Math.max(backoffMs, retryAfterMs ?? 0));
  if (delayMs >= remainingMs) {
    return {
      action: 'fallback',
      reason: `fallback: ${label}, ${source} ${delayMs} ms exceeds the remaining budget (${Math.max(0, Math.floor(remainingMs))} ms)`,
    };
  }
  return { action: 'retry', delayMs, reason: `retry: ${label}, waited ${delayMs} ms (${source})` };
}

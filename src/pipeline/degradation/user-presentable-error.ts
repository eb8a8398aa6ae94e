import { TollgateError } from '../../core/errors.js';
import { isNoStaticAnswerError } from './static-answer-call.js';

/** What the ladder tried before giving up, for the technical half of the message. */
export interface LadderSummary {
  /** The model the client asked for. */
  readonly logicalModel: string;
  /** How many attempts were made across every rung. */
  readonly attempts: number;
  /** The models tried, in order (upstream names, `tollgate-faq` for the FAQ rung). */
  readonly triedModels: readonly string[];
  /**
   * Every failure seen on the ladder, oldest first, when the caller kept them. With it, 429 is
   * answered only when every model failure was a rate limit; without it, `lastError` alone decides.
   */
  readonly failures?: readonly TollgateError[];
}

/**
 * - `unavailable` (503): outages, overload, timeouts, connection and other upstream failures,
 *   anything retryable, and a mix of rate limits with other failures.
 * - `rate-limited` (429): every model failure was a rate limit.
 * - `client` (the original 4xx): the request itself cannot be served, so retrying won't help.
 * - `aborted` (the original 499): the client went away.
 * - `internal` (500): a bug in the gateway, not an outage.
 */
export type FinalFailureKind = 'unavailable' | 'rate-limited' | 'client' | 'aborted' | 'internal';

export interface FinalFailure {
  readonly kind: FinalFailureKind;
  readonly status: number;
  /** The failure the message and code come from. */
  readonly cause: TollgateError;
}

/**
 * Decides, without throwing, how the ladder's final failure is presented. A FAQ miss is not a
 * cause: when `lastError` is the FAQ rung's miss and `failures` holds a model failure, the last
 * model failure is used instead.
 */
export function classifyFinalFailure(lastError: TollgateError, failures: readonly TollgateError[] | undefined = undefined): FinalFailure {
  const modelFailures = (failures ?? []).filter((failure) => !isNoStaticAnswerError(failure));
  const cause = isNoStaticAnswerError(lastError) ? (modelFailures.at(-1) ?? lastError) : lastError;
  const considered = [...modelFailures, cause];

  if (cause.code === 'TG_ERR_CLIENT_ABORTED') return { kind: 'aborted', status: cause.status, cause };
  if (isRateLimit(cause)) {
    return considered.every(isRateLimit) ? { kind: 'rate-limited', status: 429, cause } : { kind: 'unavailable', status: 503, cause };
  }
  if (cause.code === 'TG_ERR_INTERNAL') return { kind: 'internal', status: 500, cause };
  if (cause.status >= 500 || cause.status === 408 || cause.isRetryable || cause.status < 400) {
    return { kind: 'unavailable', status: 503, cause };
  }
  return { kind: 'client', status: cause.status, cause };
}

/**
 * The last rung of the ladder: an error an end user can read, followed by the technical detail.
 * Keeps the cause's code, `param`, upstream details and (for 503 and 429) `retryAfterMs`; the
 * status follows `classifyFinalFailure`.
 */
export function userPresentableError(lastError: TollgateError, context: LadderSummary): TollgateError {
  const failure = classifyFinalFailure(lastError, context.failures);
  const { cause } = failure;
  const retryAfterMs = failure.kind === 'unavailable' || failure.kind === 'rate-limited' ? cause.retryAfterMs : undefined;
  const message = `${userSentence(failure, retryAfterMs)} (Technical detail: ${technicalDetail(cause, context)})`;
  return new TollgateError({
    code: cause.code,
    status: failure.status,
    message,
    ...(cause.param === undefined ? {} : { param: cause.param }),
    isRetryable: cause.isRetryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(cause.upstream === undefined ? {} : { upstream: cause.upstream }),
    cause,
  });
}

function isRateLimit(error: TollgateError): boolean {
  return error.code === 'TG_ERR_UPSTREAM_RATE_LIMITED' || error.status === 429;
}

function userSentence(failure: FinalFailure, retryAfterMs: number | undefined): string {
  const when = retryAfterMs === undefined ? 'in a minute' : `in ${describeWait(retryAfterMs)}`;
  switch (failure.kind) {
    case 'unavailable':
      return `The assistant is temporarily unavailable. Please try again ${when}.`;
    case 'rate-limited':
      return `The assistant is receiving too many requests right now. Please try again ${when}.`;
    case 'aborted':
      return 'The request was cancelled before the assistant could answer.';
    case 'internal':
      return 'The assistant ran into an unexpected problem. Please try again later.';
    case 'client':
      if (failure.cause.code === 'TG_ERR_UPSTREAM_CONTEXT_LENGTH') {
        return 'The conversation is too long for the assistant. Please shorten it or start a new conversation.';
      }
      if (failure.cause.code === 'TG_ERR_UPSTREAM_CONTENT_POLICY') {
        return "The assistant can't help with this request. Please rephrase it and try again.";
      }
      return "The assistant couldn't process this request. Please check it and try again.";
  }
}

/** `45 seconds`, `1 second`, `3 minutes`: rounded up, minutes from two minutes on. */
function describeWait(milliseconds: number): string {
  const seconds = Math.max(1, Math.ceil(milliseconds / 1000));
  if (seconds < 120) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

function technicalDetail(cause: TollgateError, context: LadderSummary): string {
  const attempts = context.attempts === 1 ? '1 attempt' : `${context.attempts} attempts`;
  const models = context.triedModels.length === 0 ? 'no model' : context.triedModels.join(', ');
  const upstreamStatus = cause.upstream?.status === undefined ? '' : `, upstream HTTP ${cause.upstream.status}`;
  return `model "${context.logicalModel}", ${attempts} across ${models}; last error ${cause.code} (HTTP ${cause.status}${upstreamStatus}): ${cause.message}`;
}

import { TollgateError, type ErrorCode } from '../../core/errors.js';
import { errorFromUpstreamResponse, type UpstreamFailure } from '../http/upstream-error.js';

/** Anthropic's error body: `{ type: 'error', error: { type, message, details? }, request_id? }`. */
interface AnthropicErrorObject {
  readonly type: string | undefined;
  readonly message: string | undefined;
  readonly detailsCode: string | undefined;
}

/** Anthropic's ways of saying the input does not fit the model's context window (HTTP 400). */
const contextLengthMessages = [/prompt is too long/i, /exceed context limit/i, /context window/i];

/**
 * The shared HTTP mapping (400/401/403/404/408/409/413/422/429/5xx, 529 overloaded and retryable,
 * `Retry-After`, auth bodies dropped), refined with what Anthropic says in its body and headers:
 *
 * - a 400 whose message says the prompt is too long (or prompt plus `max_tokens` exceed the
 *   window) is TG_ERR_UPSTREAM_CONTEXT_LENGTH (Anthropic has no `context_length_exceeded` code);
 * - a 429 with `error.details.error_code: enforced_spend_limit_reached` is a spent budget that
 *   waiting does not fix: not retryable;
 * - `x-should-retry: true|false`, Anthropic's own verdict (its SDKs obey it), wins over the status.
 */
export function errorFromAnthropicResponse(failure: UpstreamFailure): TollgateError {
  const shared = errorFromUpstreamResponse(failure);
  const upstreamError = readAnthropicError(failure.bodyText);
  let code: ErrorCode = shared.code;
  let isRetryable = shared.isRetryable;
  if (failure.status === 400 && contextLengthMessages.some((pattern) => pattern.test(upstreamError?.message ?? ''))) {
    code = 'TG_ERR_UPSTREAM_CONTEXT_LENGTH';
  }
  if (failure.status === 429 && upstreamError?.detailsCode === 'enforced_spend_limit_reached') isRetryable = false;
  const shouldRetry = headerValue(failure.headers['x-should-retry']);
  if (shouldRetry === 'true') isRetryable = true;
  else if (shouldRetry === 'false') isRetryable = false;
  if (code === shared.code && isRetryable === shared.isRetryable) return shared;
  return new TollgateError({
    code,
    message: shared.message,
    status: shared.status,
    param: shared.param,
    isRetryable,
    retryAfterMs: shared.retryAfterMs,
    upstream: shared.upstream,
  });
}

/** Error types that say the request itself is wrong: resending it cannot help. */
const permanentErrorTypes = new Set([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'billing_error',
]);

/**
 * An `event: error` inside a 200 stream (e.g. `overloaded_error`, which "would normally correspond
 * to an HTTP 529"): overloaded → TG_ERR_UPSTREAM_OVERLOADED, rate limited →
 * TG_ERR_UPSTREAM_RATE_LIMITED, anything else → TG_ERR_STREAM_INTERRUPTED. Retryable unless the
 * type says the request itself is at fault.
 */
export function errorFromAnthropicStreamEvent(providerId: string, data: string): TollgateError {
  const upstreamError = readAnthropicError(data);
  const type = upstreamError?.type ?? 'unknown_error';
  const detail = upstreamError?.message ?? data.slice(0, 500);
  const code: ErrorCode =
    type === 'overloaded_error' ? 'TG_ERR_UPSTREAM_OVERLOADED' : type === 'rate_limit_error' ? 'TG_ERR_UPSTREAM_RATE_LIMITED' : 'TG_ERR_STREAM_INTERRUPTED';
  const isAuth = type === 'authentication_error' || type === 'permission_error';
  return new TollgateError({
    code,
    message: isAuth
      ? `Provider "${providerId}" rejected the gateway's credentials mid-stream (${type}); check its api_key in the Tollgate config.`
      : `Provider "${providerId}" sent an error in its stream (${type}): ${detail}`,
    isRetryable: !permanentErrorTypes.has(type),
    upstream: { status: undefined, body: isAuth ? undefined : parseJson(data) ?? data },
  });
}

function readAnthropicError(text: string): AnthropicErrorObject | undefined {
  const body = parseJson(text);
  if (!isRecord(body) || !isRecord(body['error'])) return undefined;
  const error = body['error'];
  const details = isRecord(error['details']) ? error['details'] : undefined;
  return {
    type: typeof error['type'] === 'string' ? error['type'] : undefined,
    message: typeof error['message'] === 'string' ? error['message'] : undefined,
    detailsCode: typeof details?.['error_code'] === 'string' ? details['error_code'] : undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
}

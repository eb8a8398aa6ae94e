import { TollgateError, type ErrorCode } from '../../core/errors.js';

export interface UpstreamFailure {
  readonly providerId: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The response body as text (may be empty or not JSON). */
  readonly bodyText: string;
}

/**
 * Turns an upstream HTTP error into a TollgateError. `isRetryable` is decided here, where the
 * failure happened: 408/409/429/5xx are retryable, everything else is not (auth, validation,
 * content policy, a spent quota).
 */
export function errorFromUpstreamResponse(failure: UpstreamFailure): TollgateError {
  const body = parseJson(failure.bodyText);
  const upstreamError = readErrorObject(body);
  const upstreamCode = upstreamError?.code ?? upstreamError?.type;
  const upstreamMessage = upstreamError?.message ?? (failure.bodyText.slice(0, 500) || `HTTP ${failure.status}`);
  const retryAfterMs = readRetryAfterMs(failure.headers);
  const { code, retryable, status } = classify(failure.status, upstreamCode);
  const message =
    code === 'TG_ERR_UPSTREAM_AUTH'
      ? `Provider "${failure.providerId}" rejected the gateway's credentials (HTTP ${failure.status}); check its api_key in the Tollgate config.`
      : `Provider "${failure.providerId}" answered HTTP ${failure.status}: ${upstreamMessage}`;
  return new TollgateError({
    code,
    message,
    status,
    param: typeof upstreamError?.param === 'string' ? upstreamError.param : undefined,
    isRetryable: retryable,
    retryAfterMs,
    // Auth failures may echo part of the provider key: never keep their body.
    upstream: { status: failure.status, body: code === 'TG_ERR_UPSTREAM_AUTH' ? undefined : body ?? failure.bodyText },
  });
}

function classify(status: number, upstreamCode: string | undefined): { code: ErrorCode; retryable: boolean; status: number | undefined } {
  if (status === 400) {
    if (upstreamCode === 'context_length_exceeded') return { code: 'TG_ERR_UPSTREAM_CONTEXT_LENGTH', retryable: false, status: 400 };
    if (upstreamCode === 'content_filter' || upstreamCode === 'content_policy_violation') {
      return { code: 'TG_ERR_UPSTREAM_CONTENT_POLICY', retryable: false, status: 400 };
    }
    return { code: 'TG_ERR_UPSTREAM_BAD_REQUEST', retryable: false, status: 400 };
  }
  if (status === 401 || status === 403) return { code: 'TG_ERR_UPSTREAM_AUTH', retryable: false, status: undefined };
  if (status === 404) return { code: 'TG_ERR_UPSTREAM_NOT_FOUND', retryable: false, status: 404 };
  if (status === 408) return { code: 'TG_ERR_UPSTREAM_TIMEOUT', retryable: true, status: 504 };
  if (status === 409) return { code: 'TG_ERR_UPSTREAM_CONFLICT', retryable: true, status: 409 };
  if (status === 413) return { code: 'TG_ERR_UPSTREAM_BAD_REQUEST', retryable: false, status: 413 };
  if (status === 422) return { code: 'TG_ERR_UPSTREAM_UNPROCESSABLE', retryable: false, status: 422 };
  if (status === 429) {
    // A spent quota is a 429 that no amount of waiting fixes.
    const retryable = upstreamCode !== 'insufficient_quota';
    return { code: 'TG_ERR_UPSTREAM_RATE_LIMITED', retryable, status: 429 };
  }
  if (status === 503 || status === 529) return { code: 'TG_ERR_UPSTREAM_OVERLOADED', retryable: true, status: 503 };
  if (status === 504) return { code: 'TG_ERR_UPSTREAM_TIMEOUT', retryable: true, status: 504 };
  if (status >= 500) return { code: 'TG_ERR_UPSTREAM_SERVER', retryable: true, status: 502 };
  return { code: 'TG_ERR_UPSTREAM_BAD_REQUEST', retryable: false, status: status >= 400 && status < 500 ? status : 502 };
}

/** Reads `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function readRetryAfterMs(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = firstHeader(headers['retry-after-ms']);
  if (milliseconds !== undefined) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = firstHeader(headers['retry-after']);
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps a transport failure (no HTTP response) to a TollgateError. */
export function errorFromTransportFailure(providerId: string, error: unknown, signal: AbortSignal | undefined): TollgateError {
  if (signal?.aborted === true) {
    // A stage that aborts on purpose (a timeout) says why in the abort reason; keep its error.
    if (signal.reason instanceof TollgateError) return signal.reason;
    return new TollgateError({ code: 'TG_ERR_CLIENT_ABORTED', message: 'The client went away; the upstream call was cancelled.', cause: error });
  }
  const errorCode = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (errorCode === 'UND_ERR_HEADERS_TIMEOUT' || errorCode === 'UND_ERR_BODY_TIMEOUT' || errorCode === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TollgateError({ code: 'TG_ERR_UPSTREAM_TIMEOUT', message: `Provider "${providerId}" timed out (${String(errorCode)}).`, isRetryable: true, cause: error });
  }
  return new TollgateError({
    code: 'TG_ERR_UPSTREAM_CONNECT',
    message: `Could not reach provider "${providerId}": ${detail}`,
    isRetryable: true,
    cause: error,
  });
}

interface UpstreamErrorObject {
  readonly message?: string;
  readonly type?: string;
  readonly code?: string;
  readonly param?: unknown;
}

function readErrorObject(body: unknown): UpstreamErrorObject | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const candidate = (body as { error?: unknown }).error ?? body;
  if (typeof candidate !== 'object' || candidate === null) return typeof candidate === 'string' ? { message: candidate } : undefined;
  const record = candidate as Record<string, unknown>;
  return {
    message: typeof record['message'] === 'string' ? record['message'] : undefined,
    type: typeof record['type'] === 'string' ? record['type'] : undefined,
    code: typeof record['code'] === 'string' ? record['code'] : typeof record['status'] === 'string' ? record['status'] : undefined,
    param: record['param'],
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

import { TollgateError, type ErrorCode } from '../../core/errors.js';
import { errorFromUpstreamResponse, type UpstreamFailure } from '../http/upstream-error.js';

/**
 * A Gemini error body (`{error: {code, message, status, details}}`, Google's `google.rpc.Status`)
 * as a TollgateError. The shared mapping decides by HTTP status (429 rate limited, 503 overloaded,
 * other 5xx server error: all retryable; 403 auth; 404 not found), then three Gemini refinements:
 *
 * - 400 "The input token count (N) exceeds the maximum number of tokens allowed (M)." →
 *   `TG_ERR_UPSTREAM_CONTEXT_LENGTH` (Gemini has no machine-readable code for it).
 * - 400 "API key not valid" / `ErrorInfo.reason: API_KEY_INVALID` → `TG_ERR_UPSTREAM_AUTH`. Its
 *   body is dropped: its `DebugInfo` echoes the key ("Invalid API key: …").
 * - A `google.rpc.RetryInfo` `retryDelay` (e.g. `"34.4s"`) becomes `retryAfterMs` when no
 *   `retry-after` header said otherwise; a header wins.
 */
export function geminiErrorFromResponse(failure: UpstreamFailure): TollgateError {
  const shared = errorFromUpstreamResponse(failure);
  const status = readStatus(failure.bodyText);
  if (failure.status === 400 && isInvalidApiKey(status)) {
    return refine(shared, {
      code: 'TG_ERR_UPSTREAM_AUTH',
      message: `Provider "${failure.providerId}" rejected the gateway's credentials (HTTP 400); check its api_key in the Tollgate config.`,
      status: undefined,
      upstream: { status: failure.status, body: undefined },
    });
  }
  if (failure.status === 400 && /input token count.*exceeds the maximum/i.test(status?.message ?? '')) {
    return refine(shared, { code: 'TG_ERR_UPSTREAM_CONTEXT_LENGTH' });
  }
  if (shared.retryAfterMs === undefined && status?.retryDelayMs !== undefined) {
    return refine(shared, { retryAfterMs: status.retryDelayMs });
  }
  return shared;
}

interface Refinement {
  readonly code?: ErrorCode;
  readonly message?: string;
  readonly status?: number | undefined;
  readonly retryAfterMs?: number;
  readonly upstream?: TollgateError['upstream'];
}

function refine(error: TollgateError, refinement: Refinement): TollgateError {
  return new TollgateError({
    code: refinement.code ?? error.code,
    message: refinement.message ?? error.message,
    status: 'status' in refinement ? refinement.status : error.status,
    param: error.param,
    isRetryable: error.isRetryable,
    retryAfterMs: refinement.retryAfterMs ?? error.retryAfterMs,
    upstream: refinement.upstream ?? error.upstream,
    cause: error.cause,
  });
}

interface GeminiStatus {
  readonly message: string | undefined;
  readonly reasons: readonly string[];
  readonly retryDelayMs: number | undefined;
}

function readStatus(bodyText: string): GeminiStatus | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { message?: unknown; details?: unknown };
  const details = Array.isArray(record.details) ? (record.details as Array<Record<string, unknown> | null>) : [];
  const reasons = details.map((detail) => detail?.['reason']).filter((reason): reason is string => typeof reason === 'string');
  const retryDelay = details.map((detail) => detail?.['retryDelay']).find((delay): delay is string => typeof delay === 'string');
  return {
    message: typeof record.message === 'string' ? record.message : undefined,
    reasons,
    retryDelayMs: retryDelay === undefined ? undefined : durationMs(retryDelay),
  };
}

function isInvalidApiKey(status: GeminiStatus | undefined): boolean {
  return status !== undefined && (status.reasons.includes('API_KEY_INVALID') || /api key not valid/i.test(status.message ?? ''));
}

/** A protobuf `Duration` in JSON: decimal seconds with an `s` suffix, e.g. `"34.4s"`. */
function durationMs(duration: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(duration);
  return match === null ? undefined : Math.round(Number(match[1]) * 1000);
}

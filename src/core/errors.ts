/**
 * One error family with stable codes. Each code maps to one HTTP status and one OpenAI error
 * `type`; upstream failures carry `isRetryable`, decided where the failure happened.
 */
export const errorCodes = {
  TG_ERR_INVALID_JSON: { status: 400, type: 'invalid_request_error' },
  TG_ERR_INVALID_REQUEST: { status: 400, type: 'invalid_request_error' },
  /** A parameter the chosen provider cannot honour (e.g. `n` > 1 on Anthropic); never silently dropped. */
  TG_ERR_UNSUPPORTED_PARAMETER: { status: 400, type: 'invalid_request_error' },
  TG_ERR_BODY_TOO_LARGE: { status: 413, type: 'invalid_request_error' },
  TG_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'invalid_request_error' },
  TG_ERR_UNKNOWN_MODEL: { status: 404, type: 'invalid_request_error' },
  TG_ERR_NOT_FOUND: { status: 404, type: 'invalid_request_error' },
  TG_ERR_METHOD_NOT_ALLOWED: { status: 405, type: 'invalid_request_error' },
  TG_ERR_AUTH_REQUIRED: { status: 401, type: 'invalid_request_error' },
  TG_ERR_INVALID_API_KEY: { status: 401, type: 'invalid_request_error' },
  TG_ERR_MODEL_NOT_ALLOWED: { status: 403, type: 'invalid_request_error' },
  TG_ERR_ADMIN_AUTH: { status: 401, type: 'invalid_request_error' },
  TG_ERR_REQUEST_TIMEOUT: { status: 408, type: 'invalid_request_error' },
  /** A hard budget limit would be exceeded by this request's upper-bound cost; says what remains and when it resets. */
  TG_ERR_BUDGET_EXCEEDED: { status: 429, type: 'insufficient_quota' },
  /** A requests- or tokens-per-window rate limit is spent; `retry-after` says when to come back. */
  TG_ERR_RATE_LIMITED: { status: 429, type: 'rate_limit_error' },
  /** The model has no known price, and a USD budget applies to the caller: it cannot be bounded. */
  TG_ERR_UNPRICED_MODEL: { status: 400, type: 'invalid_request_error' },
  /** A shared store (Redis) cannot be reached and the limit it backs is configured fail-closed. */
  TG_ERR_STORE_UNAVAILABLE: { status: 503, type: 'server_error' },
  TG_ERR_SHUTTING_DOWN: { status: 503, type: 'server_error' },
  TG_ERR_CLIENT_ABORTED: { status: 499, type: 'invalid_request_error' },
  TG_ERR_UPSTREAM_BAD_REQUEST: { status: 400, type: 'invalid_request_error' },
  TG_ERR_UPSTREAM_CONTEXT_LENGTH: { status: 400, type: 'invalid_request_error' },
  TG_ERR_UPSTREAM_CONTENT_POLICY: { status: 400, type: 'invalid_request_error' },
  TG_ERR_UPSTREAM_NOT_FOUND: { status: 404, type: 'invalid_request_error' },
  TG_ERR_UPSTREAM_CONFLICT: { status: 409, type: 'invalid_request_error' },
  TG_ERR_UPSTREAM_UNPROCESSABLE: { status: 422, type: 'invalid_request_error' },
  TG_ERR_UPSTREAM_AUTH: { status: 502, type: 'server_error' },
  TG_ERR_UPSTREAM_RATE_LIMITED: { status: 429, type: 'rate_limit_error' },
  TG_ERR_UPSTREAM_OVERLOADED: { status: 503, type: 'server_error' },
  TG_ERR_UPSTREAM_SERVER: { status: 502, type: 'server_error' },
  TG_ERR_UPSTREAM_TIMEOUT: { status: 504, type: 'server_error' },
  TG_ERR_UPSTREAM_CONNECT: { status: 502, type: 'server_error' },
  /** Every deployment of the model is ejected by its circuit breaker or cooling down after a 429. */
  TG_ERR_CIRCUIT_OPEN: { status: 503, type: 'server_error' },
  TG_ERR_UPSTREAM_PROTOCOL: { status: 502, type: 'server_error' },
  TG_ERR_STREAM_INTERRUPTED: { status: 502, type: 'server_error' },
  TG_ERR_INTERNAL: { status: 500, type: 'server_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface TollgateErrorOptions {
  readonly code: ErrorCode;
  readonly message: string;
  /** Overrides the code's default status (e.g. an upstream 504 kept as 504). */
  readonly status?: number;
  /** The request field at fault, OpenAI's `param`. */
  readonly param?: string;
  readonly isRetryable?: boolean;
  /** From `retry-after-ms` / `retry-after`, when the upstream said. */
  readonly retryAfterMs?: number;
  /** The upstream's HTTP status and error body, for upstream failures. */
  readonly upstream?: { readonly status: number | undefined; readonly body: unknown };
  /** Extra fields for the error body, e.g. a budget's remaining amount and reset time. */
  readonly details?: Readonly<Record<string, string | number | null>>;
  readonly cause?: unknown;
}

export class TollgateError extends Error {
  override readonly name = 'TollgateError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly param: string | undefined;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly upstream: { readonly status: number | undefined; readonly body: unknown } | undefined;
  readonly details: Readonly<Record<string, string | number | null>> | undefined;

  constructor(options: TollgateErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    const definition = errorCodes[options.code];
    this.code = options.code;
    this.status = options.status ?? definition.status;
    this.type = definition.type;
    this.param = options.param;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.upstream = options.upstream;
    this.details = options.details;
  }

  /** The OpenAI-shaped error body clients receive. */
  toOpenAIBody(): { error: { message: string; type: string; param: string | null; code: ErrorCode } } {
    return { error: { ...this.details, message: this.message, type: this.type, param: this.param ?? null, code: this.code } };
  }
}

export function isTollgateError(value: unknown): value is TollgateError {
  return value instanceof TollgateError;
}

/** Wraps anything thrown into a TollgateError without losing the original as `cause`. */
export function toTollgateError(value: unknown): TollgateError {
  if (value instanceof TollgateError) return value;
  if (value instanceof Error && value.name === 'AbortError') {
    return new TollgateError({ code: 'TG_ERR_CLIENT_ABORTED', message: 'The request was aborted.', cause: value });
  }
  const message = value instanceof Error ? value.message : String(value);
  return new TollgateError({ code: 'TG_ERR_INTERNAL', message: `Internal error: ${message}`, cause: value });
}

import type { ErrorCode, TollgateError } from '../../core/errors.js';

/**
 * What kind of failure an error is, for retry and fallback decisions, metrics and the ledger.
 * Derived from the stable code only; whether a failure may be retried is the error's own
 * `isRetryable`, decided where it happened.
 */
export type ErrorClass =
  | 'rate-limit'
  | 'overload'
  | 'server'
  | 'timeout'
  | 'connect'
  | 'stream-interrupted'
  | 'context-window'
  | 'content-policy'
  | 'invalid-request'
  | 'auth'
  | 'not-found'
  | 'aborted'
  | 'internal';

/** Every code has a class; a new code fails to compile until it is given one here. */
const classByCode = {
  TG_ERR_INVALID_JSON: 'invalid-request',
  TG_ERR_INVALID_REQUEST: 'invalid-request',
  TG_ERR_UNSUPPORTED_PARAMETER: 'invalid-request',
  TG_ERR_BODY_TOO_LARGE: 'invalid-request',
  TG_ERR_UNSUPPORTED_MEDIA_TYPE: 'invalid-request',
  TG_ERR_UNKNOWN_MODEL: 'not-found',
  TG_ERR_NOT_FOUND: 'not-found',
  TG_ERR_METHOD_NOT_ALLOWED: 'invalid-request',
  TG_ERR_AUTH_REQUIRED: 'auth',
  TG_ERR_INVALID_API_KEY: 'auth',
  TG_ERR_MODEL_NOT_ALLOWED: 'invalid-request',
  TG_ERR_ADMIN_AUTH: 'auth',
  // The client was too slow sending its request; not an upstream failure, never retryable.
  TG_ERR_REQUEST_TIMEOUT: 'timeout',
  // The gateway's own limits: raised before any upstream call, so no retry or fallback sees them.
  TG_ERR_BUDGET_EXCEEDED: 'rate-limit',
  TG_ERR_RATE_LIMITED: 'rate-limit',
  TG_ERR_UNPRICED_MODEL: 'invalid-request',
  TG_ERR_STORE_UNAVAILABLE: 'internal',
  // This gateway is draining: another model behind it is no better.
  TG_ERR_SHUTTING_DOWN: 'internal',
  TG_ERR_CLIENT_ABORTED: 'aborted',
  TG_ERR_UPSTREAM_BAD_REQUEST: 'invalid-request',
  TG_ERR_UPSTREAM_CONTEXT_LENGTH: 'context-window',
  TG_ERR_UPSTREAM_CONTENT_POLICY: 'content-policy',
  TG_ERR_UPSTREAM_NOT_FOUND: 'not-found',
  // A 409 is a transient upstream-side condition (the adapter marks it retryable).
  TG_ERR_UPSTREAM_CONFLICT: 'server',
  TG_ERR_UPSTREAM_UNPROCESSABLE: 'invalid-request',
  TG_ERR_UPSTREAM_AUTH: 'auth',
  TG_ERR_UPSTREAM_RATE_LIMITED: 'rate-limit',
  TG_ERR_UPSTREAM_OVERLOADED: 'overload',
  TG_ERR_UPSTREAM_SERVER: 'server',
  TG_ERR_UPSTREAM_TIMEOUT: 'timeout',
  TG_ERR_UPSTREAM_CONNECT: 'connect',
  // Every deployment is ejected or cooling down: the model is as good as overloaded.
  TG_ERR_CIRCUIT_OPEN: 'overload',
  // The upstream answered with something that is not its protocol: a server fault.
  TG_ERR_UPSTREAM_PROTOCOL: 'server',
  TG_ERR_STREAM_INTERRUPTED: 'stream-interrupted',
  TG_ERR_INTERNAL: 'internal',
} as const satisfies Record<ErrorCode, ErrorClass>;

/** The class of a failure, from its stable code. Pure. */
export function errorClassOf(error: TollgateError): ErrorClass {
  return classByCode[error.code];
}

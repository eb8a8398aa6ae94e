import type { ErrorCode, TollgateError } from '../../core/errors.js';

/**
 * What one failed call says about the deployment's health.
 *
 * - `failure`: the deployment is unwell (counts toward the error ratio); `connectError` also
 *   counts toward the consecutive-connect-errors rule.
 * - `ignored`: the failure says nothing about the deployment (the client's request was bad, the
 *   client went away, the gateway itself failed); the breaker neither counts it as a request nor
 *   as a success, so a tenant sending invalid requests cannot dilute a real failure ratio.
 */
export type BreakerOutcome =
  | { readonly kind: 'failure'; readonly connectError: boolean; readonly reason: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/**
 * - `failure`: always a deployment failure, whatever `isRetryable` says. Used for failures that
 *   would hit every request to this deployment alike: its credentials are rejected (401/403), its
 *   model is unknown to the provider (404: the gateway chose the model name), its quota is spent
 *   (a non-retryable 429). Failing over is right; waiting does not help, the probe finds out when
 *   it is fixed.
 * - `connect`: the deployment could not be reached.
 * - `failure-if-retryable`: the producer decided `isRetryable` where the failure happened
 *   (408/409/429/5xx, timeouts, broken streams); the breaker asks, it does not re-derive.
 * - `ignored`: the client's fault, a client abort, or the gateway's own failure.
 *
 * Exhaustive over `ErrorCode`, so adding a code forces a decision here.
 */
type CodeRule = 'failure' | 'connect' | 'failure-if-retryable' | 'ignored';

const codeRules: Readonly<Record<ErrorCode, CodeRule>> = Object.freeze({
  TG_ERR_INVALID_JSON: 'ignored',
  TG_ERR_INVALID_REQUEST: 'ignored',
  TG_ERR_UNSUPPORTED_PARAMETER: 'ignored',
  TG_ERR_BODY_TOO_LARGE: 'ignored',
  TG_ERR_UNSUPPORTED_MEDIA_TYPE: 'ignored',
  TG_ERR_UNKNOWN_MODEL: 'ignored',
  TG_ERR_NOT_FOUND: 'ignored',
  TG_ERR_METHOD_NOT_ALLOWED: 'ignored',
  TG_ERR_AUTH_REQUIRED: 'ignored',
  TG_ERR_INVALID_API_KEY: 'ignored',
  TG_ERR_MODEL_NOT_ALLOWED: 'ignored',
  TG_ERR_ADMIN_AUTH: 'ignored',
  TG_ERR_REQUEST_TIMEOUT: 'ignored',
  TG_ERR_BUDGET_EXCEEDED: 'ignored',
  TG_ERR_RATE_LIMITED: 'ignored',
  TG_ERR_UNPRICED_MODEL: 'ignored',
  TG_ERR_STORE_UNAVAILABLE: 'ignored',
  TG_ERR_SHUTTING_DOWN: 'ignored',
  TG_ERR_CLIENT_ABORTED: 'ignored',
  TG_ERR_UPSTREAM_BAD_REQUEST: 'ignored',
  TG_ERR_UPSTREAM_CONTEXT_LENGTH: 'ignored',
  TG_ERR_UPSTREAM_CONTENT_POLICY: 'ignored',
  TG_ERR_UPSTREAM_UNPROCESSABLE: 'ignored',
  TG_ERR_UPSTREAM_NOT_FOUND: 'failure',
  TG_ERR_UPSTREAM_AUTH: 'failure',
  TG_ERR_UPSTREAM_RATE_LIMITED: 'failure',
  TG_ERR_UPSTREAM_CONFLICT: 'failure-if-retryable',
  TG_ERR_UPSTREAM_OVERLOADED: 'failure-if-retryable',
  TG_ERR_UPSTREAM_SERVER: 'failure-if-retryable',
  TG_ERR_UPSTREAM_TIMEOUT: 'failure-if-retryable',
  TG_ERR_UPSTREAM_PROTOCOL: 'failure-if-retryable',
  TG_ERR_STREAM_INTERRUPTED: 'failure-if-retryable',
  TG_ERR_UPSTREAM_CONNECT: 'connect',
  // A call the breaker itself turned away never reached the deployment.
  TG_ERR_CIRCUIT_OPEN: 'ignored',
  TG_ERR_INTERNAL: 'ignored',
});

/** Classifies a failed call for the circuit breaker. Pure: looks at `code` and `isRetryable` only. */
export function breakerOutcomeOf(error: TollgateError): BreakerOutcome {
  const rule = codeRules[error.code];
  const failure = `${error.code} (${error.status})`;
  switch (rule) {
    case 'connect':
      return { kind: 'failure', connectError: true, reason: failure };
    case 'failure':
      return { kind: 'failure', connectError: false, reason: failure };
    case 'failure-if-retryable':
      return error.isRetryable
        ? { kind: 'failure', connectError: false, reason: failure }
        : { kind: 'ignored', reason: `${failure} is not retryable` };
    case 'ignored':
      return { kind: 'ignored', reason: `${failure} says nothing about the deployment` };
  }
}

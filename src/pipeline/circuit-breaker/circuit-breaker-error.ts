import { TollgateError } from '../../core/errors.js';

/**
 * The error for a call the breaker turned away before it left the gateway: retryable (another
 * deployment, or this one later, may serve it), with `retryAfterMs` so the edge can send
 * `Retry-After`. No `upstream`: nothing was sent. `breakerOutcomeOf` ignores it, so feeding it
 * back into `record` by mistake cannot keep a circuit open.
 */
export function circuitBreakerError(key: string, retryInMs: number): TollgateError {
  const milliseconds = Math.max(0, Math.ceil(retryInMs));
  return new TollgateError({
    code: 'TG_ERR_CIRCUIT_OPEN',
    message: `Deployment "${key}" is ejected (circuit open) for ${milliseconds} ms.`,
    isRetryable: true,
    retryAfterMs: milliseconds,
  });
}

import { describe, expect, it } from 'vitest';
import { circuitBreakerError } from './circuit-breaker-error.js';

describe('circuitBreakerError', () => {
  it('is a retryable 503 naming the deployment and the time left, with Retry-After material', () => {
    const error = circuitBreakerError('anthropic/claude-sonnet', 1_234.2);
    expect(error).toMatchObject({ code: 'TG_ERR_CIRCUIT_OPEN', status: 503, isRetryable: true, retryAfterMs: 1_235, upstream: undefined });
    expect(error.message).toBe('Deployment "anthropic/claude-sonnet" is ejected (circuit open) for 1235 ms.');
  });

  it('never reports a negative wait', () => {
    expect(circuitBreakerError('a', -5).retryAfterMs).toBe(0);
  });
});

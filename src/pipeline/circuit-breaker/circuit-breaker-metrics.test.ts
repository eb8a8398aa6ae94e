import { describe, expect, it } from 'vitest';
import type { BreakerSnapshot } from './circuit-breaker.js';
import { circuitBreakerMetricSamples } from './circuit-breaker-metrics.js';

describe('circuitBreakerMetricSamples', () => {
  it('marks the current state with 1 and the others with 0, with the window counts', () => {
    const snapshot: BreakerSnapshot = {
      key: 'openai/gpt-4o',
      state: 'half-open',
      reason: 'cool-down elapsed; probing',
      requests: 20,
      failures: 11,
      consecutiveConnectErrors: 0,
      openedAt: 1,
      retryAt: 2,
      probeInFlight: true,
    };
    const deployment = 'openai/gpt-4o';
    expect(circuitBreakerMetricSamples([snapshot])).toEqual([
      { name: 'tollgate_circuit_breaker_state', labels: { deployment, state: 'closed' }, value: 0 },
      { name: 'tollgate_circuit_breaker_state', labels: { deployment, state: 'open' }, value: 0 },
      { name: 'tollgate_circuit_breaker_state', labels: { deployment, state: 'half-open' }, value: 1 },
      { name: 'tollgate_circuit_breaker_window_requests', labels: { deployment }, value: 20 },
      { name: 'tollgate_circuit_breaker_window_failures', labels: { deployment }, value: 11 },
    ]);
  });
});

import type { BreakerState } from './breaker-record.js';
import type { BreakerSnapshot } from './circuit-breaker.js';

export interface BreakerMetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const states: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/**
 * Gauge samples for a metrics endpoint: `tollgate_circuit_breaker_state{deployment, state}` is 1
 * for the deployment's current state and 0 for the others (one series per configured deployment
 * and state, so the label set stays bounded), plus the window's request and failure counts.
 * Transitions are counted from `onTransition` (`tollgate_circuit_breaker_transitions_total{deployment, to}`).
 */
export function circuitBreakerMetricSamples(snapshots: readonly BreakerSnapshot[]): readonly BreakerMetricSample[] {
  return snapshots.flatMap(function samplesOf(snapshot) {
    const deployment = snapshot.key;
    return [
      ...states.map((state) => ({ name: 'tollgate_circuit_breaker_state', labels: { deployment, state }, value: snapshot.state === state ? 1 : 0 })),
      { name: 'tollgate_circuit_breaker_window_requests', labels: { deployment }, value: snapshot.requests },
      { name: 'tollgate_circuit_breaker_window_failures', labels: { deployment }, value: snapshot.failures },
    ];
  });
}

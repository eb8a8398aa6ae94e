import type { IncomingMessage, ServerResponse } from 'node:http';
import { circuitBreakerMetricSamples } from '../../pipeline/circuit-breaker/circuit-breaker-metrics.js';
import type { ResilienceState } from '../../sdk/create-gateway.js';

export interface AdminRouteOptions {
  readonly resilienceState: () => ResilienceState;
  readonly ledgerStats: () => { readonly written: number; readonly failed: number; readonly parked: number; readonly pending: number };
}

/** `GET /admin/resilience`: circuit breakers, load balancers and transitions, as JSON. */
export function resilienceStateRoute(options: AdminRouteOptions) {
  return function resilienceState(_request: IncomingMessage, response: ServerResponse): void {
    const body = JSON.stringify(options.resilienceState(), null, 2);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    response.end(body);
  };
}

/**
 * `GET /metrics`: Prometheus text exposition. Every label set is bounded by the configured
 * deployments (never by request input).
 */
export function metricsRoute(options: AdminRouteOptions) {
  return function metrics(_request: IncomingMessage, response: ServerResponse): void {
    const state = options.resilienceState();
    const lines: string[] = [];
    const family = (name: string, type: 'gauge' | 'counter', help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const sample = (name: string, labels: Readonly<Record<string, string>>, value: number) => {
      const rendered = Object.entries(labels)
        .map(([key, label]) => `${key}="${label.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      lines.push(`${name}${rendered === '' ? '' : `{${rendered}}`} ${value}`);
    };
    const breakerSamples = circuitBreakerMetricSamples(state.circuitBreakers);
    const help: Record<string, string> = {
      tollgate_circuit_breaker_state: 'Circuit breaker state per deployment (1 for the current state).',
      tollgate_circuit_breaker_window_requests: 'Requests in the breaker rolling window.',
      tollgate_circuit_breaker_window_failures: 'Failures in the breaker rolling window.',
    };
    for (const name of Object.keys(help)) {
      family(name, 'gauge', help[name] as string);
      for (const entry of breakerSamples) if (entry.name === name) sample(name, entry.labels, entry.value);
    }
    family('tollgate_circuit_breaker_transitions_total', 'counter', 'Circuit breaker transitions per deployment and target state.');
    for (const transition of state.transitions) sample('tollgate_circuit_breaker_transitions_total', { deployment: transition.deployment, to: transition.to }, transition.count);
    family('tollgate_deployment_in_flight', 'gauge', 'Requests in flight per deployment.');
    family('tollgate_deployment_cooling_down', 'gauge', '1 while a deployment is skipped after a 429.');
    for (const balancer of state.loadBalancers) {
      for (const deployment of balancer.deployments) {
        sample('tollgate_deployment_in_flight', { model: balancer.model, deployment: deployment.key }, deployment.inFlight);
        sample('tollgate_deployment_cooling_down', { model: balancer.model, deployment: deployment.key }, deployment.coolingDownUntil === undefined ? 0 : 1);
      }
    }
    const ledger = options.ledgerStats();
    family('tollgate_ledger_rows_written_total', 'counter', 'Ledger rows the store accepted.');
    sample('tollgate_ledger_rows_written_total', {}, ledger.written);
    family('tollgate_ledger_rows_pending', 'gauge', 'Ledger rows not yet in the store.');
    sample('tollgate_ledger_rows_pending', {}, ledger.pending);
    const body = lines.join('\n') + '\n';
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { circuitBreakerMetricSamples } from '../../pipeline/circuit-breaker/circuit-breaker-metrics.js';
import type { ResilienceState } from '../../sdk/create-gateway.js';

export interface AdminRouteOptions {
  readonly resilienceState: () => ResilienceState;
  readonly ledgerStats: () => { readonly written: number; readonly failed: number; readonly parked: number; readonly pending: number };
  /** Configured budgets with their current window's figures, and recent alerts. */
  readonly budgetsState?: () => Promise<BudgetsState>;
}

export interface BudgetState {
  readonly id: string;
  readonly scope: string;
  readonly unit: 'nanos' | 'tokens';
  readonly limit: number;
  readonly window: string;
  readonly onExceed: 'reject' | 'degrade';
  /** Absent for per-value (`*`) budgets, whose instances are not enumerated. */
  readonly current?: { readonly windowKey: string; readonly spent: number; readonly reserved: number; readonly remaining: number; readonly resetAt: string };
}

export interface BudgetsState {
  readonly budgets: readonly BudgetState[];
  readonly recentAlerts: readonly unknown[];
  readonly alertsSent: number;
  /** Admissions made unmetered because the limit store was down and the policy is fail-open. */
  readonly failOpenAdmissions: number;
}

/** `GET /admin/budgets`: every configured budget with its spend, reservations and reset, as JSON. */
export function budgetsStateRoute(budgetsState: () => Promise<BudgetsState>) {
  return async function budgets(_request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = JSON.stringify(await budgetsState(), null, 2);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    response.end(body);
  };
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
  return async function metrics(_request: IncomingMessage, response: ServerResponse): Promise<void> {
    const state = options.resilienceState();
    const budgets = await options.budgetsState?.().catch(() => undefined);
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
    if (budgets !== undefined) {
      family('tollgate_budget_used', 'gauge', 'Spent plus reserved in the current window, per configured budget (nano-dollars or tokens).');
      family('tollgate_budget_limit', 'gauge', 'The limit per configured budget (nano-dollars or tokens).');
      for (const budget of budgets.budgets) {
        if (budget.current === undefined) continue;
        sample('tollgate_budget_used', { budget: budget.id, unit: budget.unit }, budget.current.spent + budget.current.reserved);
        sample('tollgate_budget_limit', { budget: budget.id, unit: budget.unit }, budget.limit);
      }
      family('tollgate_budget_alerts_total', 'counter', 'Budget threshold alerts this process reported.');
      sample('tollgate_budget_alerts_total', {}, budgets.alertsSent);
      family('tollgate_limits_fail_open_total', 'counter', 'Requests admitted unmetered because the limit store was unreachable (fail-open).');
      sample('tollgate_limits_fail_open_total', {}, budgets.failOpenAdmissions);
    }
    const body = lines.join('\n') + '\n';
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
}

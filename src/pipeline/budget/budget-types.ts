import type { Nanos } from '../../core/money.js';

/** Who a budget belongs to. A request matches a budget when one of its scopes equals the budget's scope. */
export type BudgetScopeKind = 'org' | 'team' | 'user' | 'key' | 'feature' | 'provider' | 'model';

export interface BudgetScope {
  readonly kind: BudgetScopeKind;
  readonly id: string;
}

/** `nanos` budgets count integer nano-dollars; `tokens` total tokens; `requests` requests (rate limits). */
export type BudgetUnit = 'nanos' | 'tokens' | 'requests';

/**
 * `daily` and `monthly` are calendar-aligned in UTC. `rolling` covers the last `hours` whole UTC
 * hour buckets, the current (partial) hour included; see `budget-window.ts` for the granularity.
 */
export type BudgetWindow =
  | { readonly kind: 'minute' }
  | { readonly kind: 'daily' }
  | { readonly kind: 'monthly' }
  | { readonly kind: 'rolling'; readonly hours: number };

export interface BudgetDefinition {
  readonly id: string;
  readonly scope: BudgetScope;
  readonly unit: BudgetUnit;
  /** A positive integer in `unit`s. */
  readonly limit: number;
  readonly window: BudgetWindow;
  /** Fractions of `limit` at which an alert fires once per window; defaults to `DEFAULT_SOFT_THRESHOLDS`. */
  readonly softThresholds?: readonly number[];
}

export const DEFAULT_SOFT_THRESHOLDS: readonly number[] = Object.freeze([0.5, 0.8, 1]);

/** The most a request may cost, or what it did cost, in every unit. All are non-negative integers. */
export interface BudgetAmounts {
  readonly nanos: Nanos;
  readonly tokens: number;
  readonly requests: number;
}

/** Emitted once per (budget, window, threshold) when settled spend reaches `threshold × limit`. */
export interface BudgetAlert {
  readonly budgetId: string;
  readonly threshold: number;
  readonly spent: number;
  readonly limit: number;
  readonly unit: BudgetUnit;
  readonly scope: BudgetScope;
  /** The window key the alert belongs to (the current hour bucket for rolling windows). */
  readonly windowKey: string;
  /** Clock time (epoch ms) of the settle that crossed the threshold. */
  readonly at: number;
}

import type { Clock } from '../../core/clock.js';
import type { BucketAmount, BucketLimit, BudgetCounterStore, SettleOutcome } from '../../stores/budget-counter-store.js';
import { DEFAULT_SOFT_THRESHOLDS, type BudgetAlert, type BudgetAmounts, type BudgetDefinition, type BudgetUnit } from './budget-types.js';
import { bucketRetainUntil, countedWindowKeys, describeInvalidWindow, windowKey, windowResetAt } from './budget-window.js';

export interface BudgetEngineOptions {
  readonly store: BudgetCounterStore;
  readonly clock: Clock;
  /**
   * Called once per (budget, window, threshold) crossing, across every process sharing the store
   * (the store's `claimOnce` decides which process reports it). Must not throw.
   */
  readonly onAlert?: (alert: BudgetAlert) => void;
  /** How long a reservation holds budget if neither settled nor released. Default 10 minutes. */
  readonly reservationTtlMs?: number;
  /** How long after the TTL the engine still remembers a request's buckets for a late settle. Default 10 minutes. */
  readonly settleGraceMs?: number;
}

export type BudgetReservation =
  | { readonly ok: true; readonly budgetIds: readonly string[]; readonly replayed: boolean }
  | {
      readonly ok: false;
      readonly budget: BudgetDefinition;
      /** limit − (spent + reserved) before this request; negative when overspent. */
      readonly remaining: number;
      readonly resetAt: number;
    };

export interface BudgetSettlement {
  /** `unknown-request`: the engine never reserved this id, or forgot it after TTL + grace; nothing was counted. */
  readonly outcome: SettleOutcome | 'unknown-request';
  readonly alerts: readonly BudgetAlert[];
}

export interface BudgetStatus {
  readonly budgetId: string;
  readonly unit: BudgetUnit;
  readonly windowKey: string;
  readonly spent: number;
  readonly reserved: number;
  readonly limit: number;
  /** limit − spent − reserved; negative when actual costs overran their reservations. */
  readonly remaining: number;
  readonly resetAt: number;
}

/**
 * Budgets are passed per call, not fixed at construction: the caller resolves which apply to a
 * request (config budgets, the virtual key's own, per-user templates), so keys created at run
 * time carry budgets without rebuilding the engine.
 */
export interface BudgetEngine {
  reserve(requestId: string, budgets: readonly BudgetDefinition[], upperBound: BudgetAmounts): Promise<BudgetReservation>;
  settle(requestId: string, actual: BudgetAmounts): Promise<BudgetSettlement>;
  release(requestId: string): Promise<boolean>;
  /**
   * The budget's current window. Lapsed reservations are swept first unless `sweep: false` (the
   * request path's reads, where a reservation lapsed moments ago may still count: one round trip
   * fewer on a shared store).
   */
  status(budget: BudgetDefinition, options?: { readonly sweep?: boolean }): Promise<BudgetStatus>;
}

interface PlannedBucket {
  readonly budget: BudgetDefinition;
  readonly windowKey: string;
  readonly retainUntil: number;
}

interface RequestPlan {
  readonly buckets: readonly PlannedBucket[];
  readonly forgetAt: number;
}

const DEFAULT_TTL_MS = 10 * 60_000;

/** Returns why a budget definition is invalid, or `undefined` when it is valid. */
export function describeInvalidBudget(budget: BudgetDefinition): string | undefined {
  if (budget.id === '') return 'budget id must not be empty';
  if (!Number.isSafeInteger(budget.limit) || budget.limit <= 0) return `budget ${budget.id}: limit must be a positive safe integer, got ${budget.limit}`;
  const windowProblem = describeInvalidWindow(budget.window);
  if (windowProblem !== undefined) return `budget ${budget.id}: ${windowProblem}`;
  for (const threshold of budget.softThresholds ?? []) {
    if (!Number.isFinite(threshold) || threshold <= 0) return `budget ${budget.id}: soft thresholds must be positive fractions, got ${threshold}`;
  }
  return undefined;
}

function assertAmounts(amounts: BudgetAmounts, what: string): void {
  for (const [unit, value] of Object.entries(amounts)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what}.${unit} must be a non-negative safe integer, got ${value}`);
  }
}

/**
 * Reserve → call → settle. `reserve` holds an upper bound on every applicable budget at once, all
 * or nothing; `settle` replaces it with the actual cost in the same window buckets the
 * reservation used (a call that straddles midnight is charged to the day it started); `release`
 * gives it back on abort or error; an unsettled reservation lapses after `reservationTtlMs`.
 */
export function createBudgetEngine(options: BudgetEngineOptions): BudgetEngine {
  const { store, clock, onAlert } = options;
  const reservationTtlMs = options.reservationTtlMs ?? DEFAULT_TTL_MS;
  const settleGraceMs = options.settleGraceMs ?? DEFAULT_TTL_MS;
  if (!Number.isFinite(reservationTtlMs) || reservationTtlMs <= 0) throw new RangeError(`reservationTtlMs must be a positive number, got ${reservationTtlMs}`);
  if (!Number.isFinite(settleGraceMs) || settleGraceMs < 0) throw new RangeError(`settleGraceMs must be a non-negative number, got ${settleGraceMs}`);
  // Definitions are immutable; each object is checked once.
  const validated = new WeakSet<BudgetDefinition>();

  // Bounded by requests in flight: each plan leaves on settle/release, or is swept at forgetAt.
  const plans = new Map<string, RequestPlan>();
  let nextPlanSweepAt = Number.POSITIVE_INFINITY;

  function sweepPlans(now: number): void {
    if (now < nextPlanSweepAt) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [requestId, plan] of plans) {
      if (plan.forgetAt <= now) plans.delete(requestId);
      else next = Math.min(next, plan.forgetAt);
    }
    nextPlanSweepAt = next;
  }

  function checked(budgets: readonly BudgetDefinition[]): void {
    const seen = new Set<string>();
    for (const budget of budgets) {
      if (seen.has(budget.id)) throw new RangeError(`budget id ${budget.id} is given twice`);
      seen.add(budget.id);
      if (validated.has(budget)) continue;
      const problem = describeInvalidBudget(budget);
      if (problem !== undefined) throw new RangeError(problem);
      validated.add(budget);
    }
  }

  function amountIn(unit: BudgetUnit, amounts: BudgetAmounts): number {
    return unit === 'nanos' ? amounts.nanos : unit === 'tokens' ? amounts.tokens : amounts.requests;
  }

  async function usedIn(budget: BudgetDefinition, keys: readonly string[]): Promise<{ spent: number; reserved: number }> {
    const usages = await Promise.all(keys.map((key) => store.usage(budget.id, key)));
    return usages.reduce((total, usage) => ({ spent: total.spent + usage.spent, reserved: total.reserved + usage.reserved }), { spent: 0, reserved: 0 });
  }

  /** The alerts a budget owes now that no process has reported yet (claimed in the store). */
  async function alertsFor(budget: BudgetDefinition, spent: number, now: number, exhausted = false): Promise<BudgetAlert[]> {
    const thresholds = budget.softThresholds ?? DEFAULT_SOFT_THRESHOLDS;
    // A refused request means the hard limit is reached even when spend stops just short of it.
    const reached = thresholds.filter((threshold) => spent >= threshold * budget.limit || (exhausted && threshold >= 1));
    if (reached.length === 0) return [];
    const key = windowKey(budget.window, now);
    // Calendar windows: once per window. Rolling windows: at most once per hour bucket while above.
    const retainUntil = windowResetAt(budget.window, now);
    const alerts: BudgetAlert[] = [];
    for (const threshold of reached) {
      if (!(await store.claimOnce(`alert\u0000${budget.id}\u0000${key}\u0000${threshold}`, retainUntil, now))) continue;
      alerts.push({ budgetId: budget.id, scope: budget.scope, threshold, spent, limit: budget.limit, unit: budget.unit, windowKey: key, at: now });
    }
    return alerts;
  }

  return {
    async reserve(requestId, budgets, upperBound) {
      assertAmounts(upperBound, 'upperBound');
      checked(budgets);
      const now = clock.now();
      sweepPlans(now);
      const existing = plans.get(requestId);
      if (existing !== undefined) return { ok: true, budgetIds: existing.buckets.map((bucket) => bucket.budget.id), replayed: true };
      if (budgets.length === 0) return { ok: true, budgetIds: [], replayed: false };
      const planned: PlannedBucket[] = budgets.map((budget) => ({ budget, windowKey: windowKey(budget.window, now), retainUntil: bucketRetainUntil(budget.window, now) }));
      const amounts: BucketAmount[] = planned.map(({ budget, windowKey: key, retainUntil }) => ({ budgetId: budget.id, windowKey: key, amount: amountIn(budget.unit, upperBound), retainUntil }));
      const limits: BucketLimit[] = budgets.map((budget) => ({ budgetId: budget.id, limit: budget.limit, windowKeys: countedWindowKeys(budget.window, now), resetAt: windowResetAt(budget.window, now) }));
      // Record the plan before awaiting the store, so a concurrent replay of this id sees it.
      const forgetAt = now + reservationTtlMs + settleGraceMs;
      plans.set(requestId, { buckets: planned, forgetAt });
      nextPlanSweepAt = Math.min(nextPlanSweepAt, forgetAt);
      let result;
      try {
        result = await store.reserve(requestId, amounts, limits, reservationTtlMs, now);
      } catch (error) {
        plans.delete(requestId);
        throw error;
      }
      if (result.ok) return { ok: true, budgetIds: budgets.map((budget) => budget.id), replayed: result.replayed };
      plans.delete(requestId);
      const rejecting = budgets.find((budget) => budget.id === result.budgetId) as BudgetDefinition;
      if (!(rejecting.softThresholds !== undefined && rejecting.softThresholds.length === 0)) {
        try {
          for (const alert of await alertsFor(rejecting, rejecting.limit - result.remaining, now, true)) onAlert?.(alert);
        } catch {
          // An alert that cannot be claimed now is claimed by the next refusal or settle.
        }
      }
      return { ok: false, budget: rejecting, remaining: result.remaining, resetAt: result.resetAt };
    },

    async settle(requestId, actual) {
      assertAmounts(actual, 'actual');
      const now = clock.now();
      sweepPlans(now);
      const plan = plans.get(requestId);
      if (plan === undefined) return { outcome: 'unknown-request', alerts: [] };
      plans.delete(requestId);
      const amounts = plan.buckets.map(({ budget, windowKey: key, retainUntil }) => ({ budgetId: budget.id, windowKey: key, amount: amountIn(budget.unit, actual), retainUntil }));
      const outcome = await store.settle(requestId, amounts, now);
      if (outcome === 'already-settled') return { outcome, alerts: [] };
      const alerts: BudgetAlert[] = [];
      for (const { budget } of plan.buckets) {
        if (budget.softThresholds !== undefined && budget.softThresholds.length === 0) continue;
        const { spent } = await usedIn(budget, countedWindowKeys(budget.window, now));
        alerts.push(...(await alertsFor(budget, spent, now)));
      }
      for (const alert of alerts) onAlert?.(alert);
      return { outcome, alerts };
    },

    async release(requestId) {
      plans.delete(requestId);
      return store.release(requestId);
    },

    async status(budget, options) {
      checked([budget]);
      const now = clock.now();
      if (options?.sweep !== false) await store.expire(now);
      const { spent, reserved } = await usedIn(budget, countedWindowKeys(budget.window, now));
      return {
        budgetId: budget.id,
        unit: budget.unit,
        windowKey: windowKey(budget.window, now),
        spent,
        reserved,
        limit: budget.limit,
        remaining: budget.limit - spent - reserved,
        resetAt: windowResetAt(budget.window, now),
      };
    },
  };
}

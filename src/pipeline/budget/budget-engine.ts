import type { Clock } from '../../core/clock.js';
import type { BucketAmount, BucketLimit, BudgetCounterStore, SettleOutcome } from '../../stores/budget-counter-store.js';
import { DEFAULT_SOFT_THRESHOLDS, type BudgetAlert, type BudgetAmounts, type BudgetDefinition, type BudgetScope, type BudgetUnit } from './budget-types.js';
import { bucketRetainUntil, countedWindowKeys, describeInvalidWindow, windowKey, windowResetAt } from './budget-window.js';

export interface BudgetEngineOptions {
  readonly budgets: readonly BudgetDefinition[];
  readonly store: BudgetCounterStore;
  readonly clock: Clock;
  /** Called synchronously, once per (budget, window, threshold) crossing. Must not throw. */
  readonly onAlert?: (alert: BudgetAlert) => void;
  /** How long a reservation holds budget if neither settled nor released. Default 10 minutes. */
  readonly reservationTtlMs?: number;
  /** How long after the TTL the engine still remembers a request's buckets for a late settle. Default 10 minutes. */
  readonly settleGraceMs?: number;
}

export interface BudgetApplicability {
  readonly scope: BudgetScope;
}

export type BudgetReservation =
  | { readonly ok: true; readonly budgetIds: readonly string[]; readonly replayed: boolean }
  | {
      readonly ok: false;
      readonly budgetId: string;
      readonly unit: BudgetUnit;
      readonly limit: number;
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

export interface BudgetEngine {
  reserve(requestId: string, applicable: readonly BudgetApplicability[], upperBound: BudgetAmounts): Promise<BudgetReservation>;
  settle(requestId: string, actual: BudgetAmounts): Promise<BudgetSettlement>;
  release(requestId: string): Promise<boolean>;
  /** `undefined` for a budget id the engine does not know. */
  status(budgetId: string): Promise<BudgetStatus | undefined>;
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

interface AlertMemory {
  windowKey: string;
  readonly fired: Set<number>;
}

const DEFAULT_TTL_MS = 10 * 60_000;

function describeInvalidBudget(budget: BudgetDefinition): string | undefined {
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

function sameScope(left: BudgetScope, right: BudgetScope): boolean {
  return left.kind === right.kind && left.id === right.id;
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
  const budgets = new Map<string, BudgetDefinition>();
  for (const budget of options.budgets) {
    const problem = describeInvalidBudget(budget);
    if (problem !== undefined) throw new RangeError(problem);
    if (budgets.has(budget.id)) throw new RangeError(`budget id ${budget.id} is defined twice`);
    budgets.set(budget.id, Object.freeze({ ...budget }));
  }

  // Bounded by requests in flight: each plan leaves on settle/release, or is swept at forgetAt.
  const plans = new Map<string, RequestPlan>();
  // Bounded by the number of budgets: one entry per budget, reset when its window rolls over.
  const alertMemory = new Map<string, AlertMemory>();
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

  function amountIn(unit: BudgetUnit, amounts: BudgetAmounts): number {
    return unit === 'nanos' ? amounts.nanos : amounts.tokens;
  }

  async function usedIn(budget: BudgetDefinition, keys: readonly string[]): Promise<{ spent: number; reserved: number }> {
    const usages = await Promise.all(keys.map((key) => store.usage(budget.id, key)));
    return usages.reduce((total, usage) => ({ spent: total.spent + usage.spent, reserved: total.reserved + usage.reserved }), { spent: 0, reserved: 0 });
  }

  /** Returns the alerts a budget owes now; records them so each fires once per window. */
  function alertsFor(budget: BudgetDefinition, spent: number, now: number): BudgetAlert[] {
    const key = windowKey(budget.window, now);
    let memory = alertMemory.get(budget.id);
    if (memory === undefined) {
      memory = { windowKey: key, fired: new Set() };
      alertMemory.set(budget.id, memory);
    }
    if (budget.window.kind !== 'rolling' && memory.windowKey !== key) {
      memory.windowKey = key;
      memory.fired.clear();
    }
    const alerts: BudgetAlert[] = [];
    for (const threshold of budget.softThresholds ?? DEFAULT_SOFT_THRESHOLDS) {
      const reached = spent >= threshold * budget.limit;
      // A rolling window has no rollover moment, so a threshold re-arms once spend falls below it.
      if (!reached && budget.window.kind === 'rolling') memory.fired.delete(threshold);
      if (!reached || memory.fired.has(threshold)) continue;
      memory.fired.add(threshold);
      alerts.push({ budgetId: budget.id, threshold, spent, limit: budget.limit, unit: budget.unit, windowKey: key, at: now });
    }
    return alerts;
  }

  return {
    async reserve(requestId, applicable, upperBound) {
      assertAmounts(upperBound, 'upperBound');
      const now = clock.now();
      sweepPlans(now);
      const existing = plans.get(requestId);
      if (existing !== undefined) return { ok: true, budgetIds: existing.buckets.map((bucket) => bucket.budget.id), replayed: true };
      const matched = [...budgets.values()].filter((budget) => applicable.some((item) => sameScope(item.scope, budget.scope)));
      if (matched.length === 0) return { ok: true, budgetIds: [], replayed: false };
      const planned: PlannedBucket[] = matched.map((budget) => ({ budget, windowKey: windowKey(budget.window, now), retainUntil: bucketRetainUntil(budget.window, now) }));
      const amounts: BucketAmount[] = planned.map(({ budget, windowKey: key, retainUntil }) => ({ budgetId: budget.id, windowKey: key, amount: amountIn(budget.unit, upperBound), retainUntil }));
      const limits: BucketLimit[] = matched.map((budget) => ({ budgetId: budget.id, limit: budget.limit, windowKeys: countedWindowKeys(budget.window, now), resetAt: windowResetAt(budget.window, now) }));
      // Record the plan before awaiting the store, so a concurrent replay of this id sees it.
      const forgetAt = now + reservationTtlMs + settleGraceMs;
      plans.set(requestId, { buckets: planned, forgetAt });
      nextPlanSweepAt = Math.min(nextPlanSweepAt, forgetAt);
      const result = await store.reserve(requestId, amounts, limits, reservationTtlMs, now);
      if (result.ok) return { ok: true, budgetIds: matched.map((budget) => budget.id), replayed: result.replayed };
      plans.delete(requestId);
      const rejecting = budgets.get(result.budgetId);
      return { ok: false, budgetId: result.budgetId, unit: rejecting?.unit ?? 'nanos', limit: rejecting?.limit ?? 0, remaining: result.remaining, resetAt: result.resetAt };
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
        const { spent } = await usedIn(budget, countedWindowKeys(budget.window, now));
        alerts.push(...alertsFor(budget, spent, now));
      }
      for (const alert of alerts) onAlert?.(alert);
      return { outcome, alerts };
    },

    async release(requestId) {
      plans.delete(requestId);
      return store.release(requestId);
    },

    async status(budgetId) {
      const budget = budgets.get(budgetId);
      if (budget === undefined) return undefined;
      const now = clock.now();
      await store.expire(now);
      const { spent, reserved } = await usedIn(budget, countedWindowKeys(budget.window, now));
      return {
        budgetId,
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

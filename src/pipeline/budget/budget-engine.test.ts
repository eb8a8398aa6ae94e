import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../testing/simulator/seeded-random.js';
import type { Clock } from '../../core/clock.js';
import { NANOS_PER_USD } from '../../core/money.js';
import { createBudgetEngine, type BudgetEngineOptions } from './budget-engine.js';
import type { BudgetAlert, BudgetAmounts, BudgetDefinition, BudgetScope } from './budget-types.js';
import { createMemoryBudgetCounterStore } from '../../stores/memory/memory-budget-counter-store.js';

interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

function manualClock(start: number): ManualClock {
  let current = start;
  return {
    now: () => current,
    monotonic: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Deterministic "random" draws (mulberry32), the same every run. */
function seededRandom(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => random.next();
}

const START = Date.UTC(2025, 5, 15, 12);
const USD = NANOS_PER_USD;
const team = { kind: 'team', id: 'search' } as const;
const user = { kind: 'user', id: 'ada' } as const;

/**
 * The engine takes the applicable budgets per call; these tests resolve them from a fixed list by
 * scope (as the budget stage does) and flatten a rejection to the budget's id, unit and limit.
 */
function setup(budgets: BudgetDefinition[], extra: Partial<BudgetEngineOptions> = {}) {
  const clock = manualClock(START);
  const alerts: BudgetAlert[] = [];
  const store = createMemoryBudgetCounterStore();
  const inner = createBudgetEngine({ store, clock, onAlert: (alert) => alerts.push(alert), ...extra });
  const applicable = (scopes: ReadonlyArray<{ scope: BudgetScope }>) =>
    budgets.filter((budget) => scopes.some(({ scope }) => scope.kind === budget.scope.kind && scope.id === budget.scope.id));
  const engine = {
    async reserve(requestId: string, scopes: ReadonlyArray<{ scope: BudgetScope }>, amounts: Omit<BudgetAmounts, 'requests'>) {
      const result = await inner.reserve(requestId, applicable(scopes), { requests: 1, ...amounts });
      if (result.ok) return result;
      return { ok: false as const, budgetId: result.budget.id, unit: result.budget.unit, limit: result.budget.limit, remaining: result.remaining, resetAt: result.resetAt };
    },
    settle: (requestId: string, amounts: Omit<BudgetAmounts, 'requests'>) => inner.settle(requestId, { requests: 1, ...amounts }),
    release: (requestId: string) => inner.release(requestId),
    async status(budgetId: string) {
      const budget = budgets.find((candidate) => candidate.id === budgetId);
      return budget === undefined ? undefined : inner.status(budget);
    },
  };
  return { clock, alerts, store, engine };
}

const teamDaily: BudgetDefinition = { id: 'team-daily', scope: team, unit: 'nanos', limit: 5 * USD, window: { kind: 'daily' } };

describe('budget engine', () => {
  it('admits exactly 50 of 1,000 concurrent $0.10 reservations against $5.00, never overshooting, and settles to the exact actuals', async () => {
    const { engine } = setup([teamDaily]);
    const dime = USD / 10;
    let highWater = 0;
    const overshoots: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 1_000 }, async (_, index) => {
        const result = await engine.reserve(`req-${index}`, [{ scope: team }], { nanos: dime, tokens: 1_000 });
        const status = await engine.status('team-daily');
        const held = (status?.spent ?? 0) + (status?.reserved ?? 0);
        highWater = Math.max(highWater, held);
        if (held > 5 * USD) overshoots.push(held);
        return { index, result };
      }),
    );
    const admitted = results.filter(({ result }) => result.ok);
    expect(admitted).toHaveLength(50);
    expect(overshoots).toEqual([]);
    expect(highWater).toBe(5 * USD);
    const rejected = results.find(({ result }) => !result.ok)?.result;
    expect(rejected).toEqual({ ok: false, budgetId: 'team-daily', unit: 'nanos', limit: 5 * USD, remaining: 0, resetAt: Date.UTC(2025, 5, 16) });

    const random = seededRandom(42);
    let expectedSpent = 0;
    await Promise.all(
      admitted.map(async ({ index }, position) => {
        // Every fifth admitted call aborts and releases; the rest settle to a random actual ≤ $0.10.
        if (position % 5 === 0) {
          expect(await engine.release(`req-${index}`)).toBe(true);
          return;
        }
        const actual = Math.floor(random() * (dime + 1));
        expectedSpent += actual;
        expect((await engine.settle(`req-${index}`, { nanos: actual, tokens: 10 })).outcome).toBe('settled');
        const status = await engine.status('team-daily');
        expect((status?.spent ?? 0) + (status?.reserved ?? 0)).toBeLessThanOrEqual(5 * USD);
      }),
    );
    const final = await engine.status('team-daily');
    expect(final?.reserved).toBe(0);
    expect(final?.spent).toBe(expectedSpent);
    expect(final?.remaining).toBe(5 * USD - expectedSpent);
  });

  it('reserves on every applicable budget at once, all or nothing', async () => {
    const userDaily: BudgetDefinition = { id: 'user-daily', scope: user, unit: 'nanos', limit: USD, window: { kind: 'daily' } };
    const { engine } = setup([teamDaily, userDaily]);
    expect(await engine.reserve('r1', [{ scope: team }, { scope: user }], { nanos: USD, tokens: 0 })).toEqual({ ok: true, budgetIds: ['team-daily', 'user-daily'], replayed: false });
    const second = await engine.reserve('r2', [{ scope: team }, { scope: user }], { nanos: 1, tokens: 0 });
    expect(second).toMatchObject({ ok: false, budgetId: 'user-daily', remaining: 0 });
    expect((await engine.status('team-daily'))?.reserved).toBe(USD);
    expect(await engine.reserve('r3', [{ scope: team }], { nanos: 1, tokens: 0 })).toMatchObject({ ok: true, budgetIds: ['team-daily'] });
  });

  it('passes a request no budget applies to without holding anything', async () => {
    const { engine } = setup([teamDaily]);
    expect(await engine.reserve('r1', [{ scope: user }], { nanos: 100 * USD, tokens: 0 })).toEqual({ ok: true, budgetIds: [], replayed: false });
    expect((await engine.status('team-daily'))?.reserved).toBe(0);
    expect(await engine.status('nope')).toBeUndefined();
  });

  it('is idempotent on request id', async () => {
    const { engine } = setup([teamDaily]);
    await engine.reserve('r1', [{ scope: team }], { nanos: 2 * USD, tokens: 0 });
    expect(await engine.reserve('r1', [{ scope: team }], { nanos: 2 * USD, tokens: 0 })).toMatchObject({ ok: true, replayed: true });
    expect((await engine.status('team-daily'))?.reserved).toBe(2 * USD);
    expect((await engine.settle('r1', { nanos: USD, tokens: 0 })).outcome).toBe('settled');
    expect((await engine.settle('r1', { nanos: USD, tokens: 0 })).outcome).toBe('unknown-request');
    expect(await engine.status('team-daily')).toMatchObject({ spent: USD, reserved: 0 });
  });

  it('lets an unsettled reservation lapse after its TTL', async () => {
    const { engine, clock } = setup([teamDaily], { reservationTtlMs: 30_000 });
    await engine.reserve('stuck', [{ scope: team }], { nanos: 5 * USD, tokens: 0 });
    expect((await engine.reserve('r2', [{ scope: team }], { nanos: 1, tokens: 0 })).ok).toBe(false);
    clock.advance(30_000);
    expect((await engine.status('team-daily'))?.reserved).toBe(0);
    expect((await engine.reserve('r2', [{ scope: team }], { nanos: USD, tokens: 0 })).ok).toBe(true);
    // A late settle of the lapsed request is still counted, and reported as such.
    expect((await engine.settle('stuck', { nanos: 3, tokens: 0 })).outcome).toBe('settled-without-reservation');
    expect(await engine.status('team-daily')).toMatchObject({ spent: 3, reserved: USD });
  });

  it('releases on abort or error', async () => {
    const { engine } = setup([teamDaily]);
    await engine.reserve('r1', [{ scope: team }], { nanos: 5 * USD, tokens: 0 });
    expect(await engine.release('r1')).toBe(true);
    expect(await engine.release('r1')).toBe(false);
    expect(await engine.status('team-daily')).toMatchObject({ spent: 0, reserved: 0, remaining: 5 * USD });
  });

  it('rolls a daily budget over at UTC midnight', async () => {
    const { engine, clock } = setup([teamDaily]);
    clock.set(Date.UTC(2025, 5, 15, 23, 59, 59, 999));
    await engine.reserve('r1', [{ scope: team }], { nanos: 5 * USD, tokens: 0 });
    await engine.settle('r1', { nanos: 5 * USD, tokens: 0 });
    expect((await engine.reserve('r2', [{ scope: team }], { nanos: 1, tokens: 0 })).ok).toBe(false);
    clock.advance(1);
    expect(await engine.status('team-daily')).toMatchObject({ windowKey: 'd:2025-06-16', spent: 0, resetAt: Date.UTC(2025, 5, 17) });
    expect((await engine.reserve('r2', [{ scope: team }], { nanos: 5 * USD, tokens: 0 })).ok).toBe(true);
  });

  it('rolls a monthly budget over at the month boundary, not before', async () => {
    const monthly: BudgetDefinition = { id: 'team-monthly', scope: team, unit: 'nanos', limit: 10 * USD, window: { kind: 'monthly' } };
    const { engine, clock } = setup([monthly]);
    clock.set(Date.UTC(2025, 0, 31, 22));
    await engine.reserve('r1', [{ scope: team }], { nanos: 10 * USD, tokens: 0 });
    await engine.settle('r1', { nanos: 10 * USD, tokens: 0 });
    clock.set(Date.UTC(2025, 0, 31, 23, 59));
    expect(await engine.reserve('r2', [{ scope: team }], { nanos: 1, tokens: 0 })).toMatchObject({ ok: false, resetAt: Date.UTC(2025, 1, 1) });
    clock.set(Date.UTC(2025, 1, 1));
    expect(await engine.reserve('r3', [{ scope: team }], { nanos: 10 * USD, tokens: 0 })).toMatchObject({ ok: true });
  });

  it('counts a rolling window over the last N hour buckets', async () => {
    const rolling: BudgetDefinition = { id: 'user-3h', scope: user, unit: 'nanos', limit: 100, window: { kind: 'rolling', hours: 3 } };
    const { engine, clock } = setup([rolling]);
    clock.set(Date.UTC(2025, 5, 15, 10, 15));
    await engine.reserve('a', [{ scope: user }], { nanos: 60, tokens: 0 });
    await engine.settle('a', { nanos: 60, tokens: 0 });
    clock.set(Date.UTC(2025, 5, 15, 11, 15));
    await engine.reserve('b', [{ scope: user }], { nanos: 40, tokens: 0 });
    await engine.settle('b', { nanos: 40, tokens: 0 });
    clock.set(Date.UTC(2025, 5, 15, 12, 59));
    expect(await engine.reserve('c', [{ scope: user }], { nanos: 1, tokens: 0 })).toMatchObject({ ok: false, remaining: 0, resetAt: Date.UTC(2025, 5, 15, 13) });
    clock.set(Date.UTC(2025, 5, 15, 13));
    expect(await engine.status('user-3h')).toMatchObject({ spent: 40 });
    expect(await engine.reserve('c', [{ scope: user }], { nanos: 60, tokens: 0 })).toMatchObject({ ok: true });
    expect(await engine.reserve('d', [{ scope: user }], { nanos: 1, tokens: 0 })).toMatchObject({ ok: false });
  });

  it('counts token budgets in tokens, independent of dollars', async () => {
    const tokens: BudgetDefinition = { id: 'key-tokens', scope: { kind: 'key', id: 'k1' }, unit: 'tokens', limit: 10_000, window: { kind: 'daily' } };
    const { engine } = setup([teamDaily, tokens]);
    const scopes = [{ scope: team }, { scope: { kind: 'key', id: 'k1' } as const }];
    expect((await engine.reserve('r1', scopes, { nanos: 1, tokens: 8_000 })).ok).toBe(true);
    expect(await engine.reserve('r2', scopes, { nanos: 1, tokens: 2_001 })).toMatchObject({ ok: false, budgetId: 'key-tokens', unit: 'tokens', remaining: 2_000 });
    await engine.settle('r1', { nanos: 1, tokens: 1_234 });
    expect(await engine.status('key-tokens')).toMatchObject({ unit: 'tokens', spent: 1_234, reserved: 0 });
    expect(await engine.status('team-daily')).toMatchObject({ spent: 1 });
  });

  it('emits each soft threshold once per window', async () => {
    const { engine, alerts, clock } = setup([{ ...teamDaily, limit: 100 }]);
    const spend = async (id: string, nanos: number) => {
      await engine.reserve(id, [{ scope: team }], { nanos, tokens: 0 });
      return engine.settle(id, { nanos, tokens: 0 });
    };
    expect((await spend('a', 49)).alerts).toEqual([]);
    const crossing = await spend('b', 1);
    expect(crossing.alerts).toEqual([{ budgetId: 'team-daily', scope: team, threshold: 0.5, spent: 50, limit: 100, unit: 'nanos', windowKey: 'd:2025-06-15', at: START }]);
    await spend('c', 10);
    expect(alerts.map((alert) => alert.threshold)).toEqual([0.5]);
    await spend('d', 40);
    expect(alerts.map((alert) => alert.threshold)).toEqual([0.5, 0.8, 1]);
    clock.set(Date.UTC(2025, 5, 16, 1));
    await spend('e', 85);
    expect(alerts.map((alert) => `${alert.windowKey}@${alert.threshold}`)).toEqual([
      'd:2025-06-15@0.5',
      'd:2025-06-15@0.8',
      'd:2025-06-15@1',
      'd:2025-06-16@0.5',
      'd:2025-06-16@0.8',
    ]);
  });

  it('rejects bad budgets and amounts when built or called', async () => {
    const store = createMemoryBudgetCounterStore();
    const clock = manualClock(START);
    const engine = createBudgetEngine({ store, clock });
    const amounts = { nanos: 1, tokens: 0, requests: 1 };
    await expect(engine.reserve('r1', [{ ...teamDaily, limit: 0.5 }], amounts)).rejects.toThrow(/limit/);
    await expect(engine.reserve('r1', [teamDaily, teamDaily], amounts)).rejects.toThrow(/twice/);
    await expect(engine.reserve('r1', [{ ...teamDaily, window: { kind: 'rolling', hours: 0 } }], amounts)).rejects.toThrow(/hours/);
    expect(() => createBudgetEngine({ store, clock, reservationTtlMs: 0 })).toThrow(/reservationTtlMs/);
    await expect(engine.reserve('r1', [teamDaily], { ...amounts, nanos: 0.1 })).rejects.toThrow(/upperBound.nanos/);
  });

  it('reports each alert once across engines sharing a store (replicas)', async () => {
    const store = createMemoryBudgetCounterStore();
    const clock = manualClock(START);
    const alerts: BudgetAlert[] = [];
    const replicas = [1, 2, 3].map(() => createBudgetEngine({ store, clock, onAlert: (alert) => alerts.push(alert) }));
    const small = { ...teamDaily, limit: 100 };
    await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        const engine = replicas[index % 3]!;
        await engine.reserve(`r${index}`, [small], { nanos: 4, tokens: 0, requests: 1 });
        await engine.settle(`r${index}`, { nanos: 4, tokens: 0, requests: 1 });
      }),
    );
    expect(alerts.map((alert) => alert.threshold).sort()).toEqual([0.5, 0.8, 1]);
  });

  it('counts requests in a minute window for rate limits', async () => {
    const perMinute: BudgetDefinition = { id: 'rpm', scope: { kind: 'key', id: 'k1' }, unit: 'requests', limit: 3, window: { kind: 'minute' }, softThresholds: [] };
    const { engine, clock } = setup([perMinute]);
    const key = [{ scope: { kind: 'key', id: 'k1' } as const }];
    for (const id of ['a', 'b', 'c']) expect((await engine.reserve(id, key, { nanos: 0, tokens: 0 })).ok).toBe(true);
    expect(await engine.reserve('d', key, { nanos: 0, tokens: 0 })).toMatchObject({ ok: false, unit: 'requests', remaining: 0, resetAt: START + 60_000 });
    clock.advance(60_000);
    expect((await engine.reserve('d', key, { nanos: 0, tokens: 0 })).ok).toBe(true);
  });
});

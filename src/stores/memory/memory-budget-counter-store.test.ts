import { describe, expect, it } from 'vitest';
import { describeBudgetCounterStoreContract } from '../budget-counter-store.contract.js';
import { createMemoryBudgetCounterStore } from './memory-budget-counter-store.js';

describeBudgetCounterStoreContract('memory store', () => createMemoryBudgetCounterStore());

describe('memory budget counter store', () => {
  it('rejects a non-positive settled retention when built', () => {
    expect(() => createMemoryBudgetCounterStore({ settledRetentionMs: 0 })).toThrow(/settledRetentionMs/);
  });

  it('forgets a settled request id after the retention, so the id can be reserved again', async () => {
    const store = createMemoryBudgetCounterStore({ settledRetentionMs: 1_000 });
    const limits = [{ budgetId: 'a', limit: 100, windowKeys: ['w'], resetAt: 0 }];
    const amounts = [{ budgetId: 'a', windowKey: 'w', amount: 10, retainUntil: 1_000_000 }];
    await store.settle('r1', amounts, 0);
    expect(await store.reserve('r1', amounts, limits, 5_000, 999)).toEqual({ ok: true, replayed: true });
    expect(await store.reserve('r1', amounts, limits, 5_000, 1_000)).toEqual({ ok: true, replayed: false });
    expect(await store.usage('a', 'w')).toEqual({ spent: 10, reserved: 10 });
  });

  it('rejects fractional or negative amounts instead of counting them', async () => {
    const store = createMemoryBudgetCounterStore();
    const limits = [{ budgetId: 'a', limit: 100, windowKeys: ['w'], resetAt: 0 }];
    await expect(store.reserve('r1', [{ budgetId: 'a', windowKey: 'w', amount: 0.5, retainUntil: 10 }], limits, 5, 0)).rejects.toThrow(RangeError);
    await expect(store.settle('r1', [{ budgetId: 'a', windowKey: 'w', amount: -1, retainUntil: 10 }], 0)).rejects.toThrow(RangeError);
    expect(await store.usage('a', 'w')).toEqual({ spent: 0, reserved: 0 });
  });
});

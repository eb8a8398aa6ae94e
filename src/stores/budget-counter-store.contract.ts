import { describe, expect, it } from 'vitest';
import type { BucketAmount, BucketLimit, BudgetCounterStore } from './budget-counter-store.js';

/** The suite's fixed time, reservation TTL and far retention, shared with store-specific tests. */
export const NOW = Date.UTC(2025, 5, 15, 12);
export const TTL = 60_000;
export const FAR = NOW + 86_400_000;

/** An amount charged to bucket (budgetId, windowKey), kept until `retainUntil`. */
export function amount(budgetId: string, value: number, windowKey = 'w1', retainUntil = FAR): BucketAmount {
  return { budgetId, windowKey, amount: value, retainUntil };
}

/** A limit on budgetId summed over `windowKeys`, resetting at FAR. */
export function limit(budgetId: string, value: number, windowKeys: string[] = ['w1']): BucketLimit {
  return { budgetId, limit: value, windowKeys, resetAt: FAR };
}

/**
 * The contract every `BudgetCounterStore` passes (memory, SQLite, Redis). Each test gets a
 * fresh, empty store from `createStore`; the suite closes it.
 */
export function describeBudgetCounterStoreContract(name: string, createStore: () => BudgetCounterStore | Promise<BudgetCounterStore>): void {
  describe(`${name} (budget counter store contract)`, () => {
    it('reports zero usage for a bucket it has never seen', async () => {
      const store = await createStore();
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
    });

    it('reserves within the limit and rejects beyond it with what remains', async () => {
      const store = await createStore();
      expect(await store.reserve('r1', [amount('a', 60)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: false });
      expect(await store.reserve('r2', [amount('a', 41)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: false, budgetId: 'a', remaining: 40, resetAt: FAR });
      expect(await store.reserve('r3', [amount('a', 40)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: false });
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 100 });
    });

    it('is all or nothing across buckets', async () => {
      const store = await createStore();
      await store.reserve('r0', [amount('b', 90)], [limit('b', 100)], TTL, NOW);
      const result = await store.reserve('r1', [amount('a', 10), amount('b', 20)], [limit('a', 100), limit('b', 100)], TTL, NOW);
      expect(result).toEqual({ ok: false, budgetId: 'b', remaining: 10, resetAt: FAR });
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
      expect(await store.usage('b', 'w1')).toEqual({ spent: 0, reserved: 90 });
    });

    it('sums every counted window key against the limit', async () => {
      const store = await createStore();
      await store.reserve('old', [amount('a', 70, 'h1')], [limit('a', 100, ['h1'])], TTL, NOW);
      await store.settle('old', [amount('a', 70, 'h1')], NOW);
      const crowded = await store.reserve('r1', [amount('a', 40, 'h2')], [limit('a', 100, ['h1', 'h2'])], TTL, NOW);
      expect(crowded).toEqual({ ok: false, budgetId: 'a', remaining: 30, resetAt: FAR });
      expect(await store.reserve('r2', [amount('a', 40, 'h2')], [limit('a', 100, ['h2'])], TTL, NOW)).toEqual({ ok: true, replayed: false });
    });

    it('is idempotent on request id: a second reserve counts nothing', async () => {
      const store = await createStore();
      expect(await store.reserve('r1', [amount('a', 30)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: false });
      expect(await store.reserve('r1', [amount('a', 30)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: true });
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 30 });
      await store.settle('r1', [amount('a', 25)], NOW);
      expect(await store.reserve('r1', [amount('a', 30)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: true });
      expect(await store.usage('a', 'w1')).toEqual({ spent: 25, reserved: 0 });
    });

    it('does not remember a rejection, so a retry is judged afresh', async () => {
      const store = await createStore();
      await store.reserve('big', [amount('a', 90)], [limit('a', 100)], TTL, NOW);
      expect((await store.reserve('r1', [amount('a', 20)], [limit('a', 100)], TTL, NOW)).ok).toBe(false);
      await store.release('big');
      expect(await store.reserve('r1', [amount('a', 20)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: false });
    });

    it('settles to the actual amount, once', async () => {
      const store = await createStore();
      await store.reserve('r1', [amount('a', 50), amount('b', 5)], [limit('a', 100), limit('b', 10)], TTL, NOW);
      expect(await store.settle('r1', [amount('a', 12), amount('b', 3)], NOW)).toBe('settled');
      expect(await store.settle('r1', [amount('a', 12), amount('b', 3)], NOW)).toBe('already-settled');
      expect(await store.usage('a', 'w1')).toEqual({ spent: 12, reserved: 0 });
      expect(await store.usage('b', 'w1')).toEqual({ spent: 3, reserved: 0 });
    });

    it('counts a settle without a live reservation, and says so', async () => {
      const store = await createStore();
      expect(await store.settle('ghost', [amount('a', 7)], NOW)).toBe('settled-without-reservation');
      expect(await store.settle('ghost', [amount('a', 7)], NOW)).toBe('already-settled');
      expect(await store.usage('a', 'w1')).toEqual({ spent: 7, reserved: 0 });
    });

    it('releases a live reservation and nothing else', async () => {
      const store = await createStore();
      await store.reserve('r1', [amount('a', 50)], [limit('a', 100)], TTL, NOW);
      await store.reserve('r2', [amount('a', 20)], [limit('a', 100)], TTL, NOW);
      await store.settle('r2', [amount('a', 20)], NOW);
      expect(await store.release('r1')).toBe(true);
      expect(await store.release('r1')).toBe(false);
      expect(await store.release('r2')).toBe(false);
      expect(await store.release('never')).toBe(false);
      expect(await store.usage('a', 'w1')).toEqual({ spent: 20, reserved: 0 });
    });

    it('expires reservations past their TTL, releasing what they held', async () => {
      const store = await createStore();
      await store.reserve('r1', [amount('a', 100)], [limit('a', 100)], TTL, NOW);
      await store.expire(NOW + TTL - 1);
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 100 });
      expect((await store.reserve('r2', [amount('a', 1)], [limit('a', 100)], TTL, NOW + TTL - 1)).ok).toBe(false);
      await store.expire(NOW + TTL);
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
      expect(await store.release('r1')).toBe(false);
    });

    it('treats a lapsed reservation as free capacity on the next reserve', async () => {
      const store = await createStore();
      await store.reserve('r1', [amount('a', 100)], [limit('a', 100)], TTL, NOW);
      expect(await store.reserve('r2', [amount('a', 100)], [limit('a', 100)], TTL, NOW + TTL)).toEqual({ ok: true, replayed: false });
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 100 });
    });

    it('drops buckets after their retainUntil', async () => {
      const store = await createStore();
      await store.settle('r1', [amount('a', 9, 'w1', NOW + 1_000)], NOW);
      await store.expire(NOW + 999);
      expect((await store.usage('a', 'w1')).spent).toBe(9);
      await store.expire(NOW + 1_000);
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
    });

    it('lets a one-off event be claimed once until its retention ends', async () => {
      const store = await createStore();
      expect(await store.claimOnce('alert:a:w1:0.5', NOW + 1_000, NOW)).toBe(true);
      expect(await store.claimOnce('alert:a:w1:0.5', NOW + 1_000, NOW + 10)).toBe(false);
      expect(await store.claimOnce('alert:a:w1:0.8', NOW + 1_000, NOW + 10)).toBe(true);
      const racing = await Promise.all(Array.from({ length: 20 }, () => store.claimOnce('alert:b', NOW + 1_000, NOW)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      expect(await store.claimOnce('alert:a:w1:0.5', NOW + 2_000, NOW + 1_000)).toBe(true);
    });

    it('holds counts as exact integers at nano-dollar scale', async () => {
      const store = await createStore();
      const big = 4_000_000_000_123;
      expect(await store.reserve('r1', [amount('a', big)], [limit('a', big + 1)], TTL, NOW)).toEqual({ ok: true, replayed: false });
      await store.settle('r1', [amount('a', big - 1)], NOW);
      expect(await store.usage('a', 'w1')).toEqual({ spent: big - 1, reserved: 0 });
    });

    it('admits exactly what fits when many reserves race', async () => {
      const store = await createStore();
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, index) => store.reserve(`r${index}`, [amount('a', 7)], [limit('a', 100)], TTL, NOW)),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(14);
      expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 98 });
    });
  });
}

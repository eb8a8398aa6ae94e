import { describe, expect, it } from 'vitest';
import { closedRecord, type BreakerRecord } from './breaker-record.js';
import type { CircuitBreakerStore } from './circuit-breaker-store.js';

/**
 * The contract every `CircuitBreakerStore` passes (memory now, Redis later). Each test gets a
 * fresh, empty store from `createStore`.
 */
export function describeCircuitBreakerStoreContract(name: string, createStore: () => CircuitBreakerStore | Promise<CircuitBreakerStore>): void {
  const first = closedRecord(1, 'first');
  const second: BreakerRecord = { ...closedRecord(2, 'second'), consecutiveConnectErrors: 1 };

  describe(`${name} (circuit breaker store contract)`, () => {
    it('reads nothing for a key it has never stored', async () => {
      const store = await createStore();
      expect(store.read('a')).toBeUndefined();
      expect([...store.entries()]).toEqual([]);
    });

    it('stores what the change returns and reports before and after', async () => {
      const store = await createStore();
      expect(await store.update('a', () => first)).toEqual({ before: undefined, after: first });
      expect(await store.update('a', () => second)).toEqual({ before: first, after: second });
      expect(store.read('a')).toEqual(second);
    });

    it('hands the change the current record', async () => {
      const store = await createStore();
      await store.update('a', () => first);
      const seen: (BreakerRecord | undefined)[] = [];
      await store.update('a', (current) => {
        seen.push(current);
        return second;
      });
      expect(seen.at(-1)).toEqual(first);
    });

    it('leaves the record alone when the change returns undefined', async () => {
      const store = await createStore();
      await store.update('a', () => first);
      expect(await store.update('a', () => undefined)).toEqual({ before: first, after: first });
      expect(await store.update('b', () => undefined)).toEqual({ before: undefined, after: undefined });
      expect(store.read('a')).toEqual(first);
      expect(store.read('b')).toBeUndefined();
    });

    it('shows an update to the next read in this process before the update settles', async () => {
      const store = await createStore();
      const pending = store.update('a', () => first);
      expect(store.read('a')).toEqual(first);
      await pending;
    });

    it('keeps keys apart and lists every key it holds', async () => {
      const store = await createStore();
      await store.update('a', () => first);
      await store.update('b', () => second);
      expect(store.read('a')).toEqual(first);
      expect(new Map(store.entries())).toEqual(new Map([['a', first], ['b', second]]));
    });
  });
}

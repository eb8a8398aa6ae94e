import { describe, expect, it } from 'vitest';
import type { CachedResponse, ResponseCacheStore } from '../response-cache-store.js';

/** The caps a local store (in process, or in the embedded SQLite file) is built with. */
export interface ResponseCacheCaps {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
}

const NOW = Date.UTC(2025, 5, 15, 12);
const TTL = 60_000;

function response(size: number): CachedResponse {
  return { body: new Uint8Array(size), costNanos: null, servedBy: 'openai/gpt-4o', storedAt: NOW };
}

async function present(store: ResponseCacheStore, keys: readonly string[], now = NOW): Promise<string[]> {
  const found: string[] = [];
  for (const key of keys) if ((await store.get(key, now)) !== undefined) found.push(key);
  return found;
}

/**
 * What every store that enforces its own caps must do (the memory and SQLite stores; Redis leaves
 * eviction to the server): validate the caps, evict least recently used first, where a hit and a
 * replace count as uses and a miss by `maxAgeMs` does not, count bytes as body plus key, and never
 * count an expired entry it drops as an eviction. `open` builds a fresh, empty store; the caller
 * closes what it opened.
 */
export function describeCappedResponseCacheStore(name: string, open: (caps: ResponseCacheCaps) => ResponseCacheStore): void {
  describe(`capped response cache store: ${name}`, () => {
    it('rejects caps that are not positive integers, or an entry cap above the byte cap, when built', () => {
      expect(() => open({ maxEntries: 0, maxBytes: 10, maxEntryBytes: 10 })).toThrow(/maxEntries/);
      expect(() => open({ maxEntries: 1, maxBytes: 1.5, maxEntryBytes: 1 })).toThrow(/maxBytes/);
      expect(() => open({ maxEntries: 1, maxBytes: 10, maxEntryBytes: 11 })).toThrow(/maxEntryBytes/);
    });

    it('evicts the least recently used entry, where a hit and a replace count as uses and a miss by maxAgeMs does not', async () => {
      const store = open({ maxEntries: 3, maxBytes: 1_000, maxEntryBytes: 100 });
      for (const key of ['a', 'b', 'c']) await store.set(key, response(1), TTL, NOW);
      await store.get('a', NOW);
      expect(await store.get('b', NOW + 10, 5)).toBeUndefined();
      await store.set('d', response(1), TTL, NOW);
      expect(await present(store, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd']);
      await store.set('a', response(1), TTL, NOW);
      await store.set('e', response(1), TTL, NOW);
      expect(await present(store, ['a', 'c', 'd', 'e'])).toEqual(['a', 'd', 'e']);
      expect(store.stats()).toMatchObject({ entries: 3, evictions: 2 });
    });

    it('evicts as many entries as the byte cap needs and counts each', async () => {
      const store = open({ maxEntries: 100, maxBytes: 100, maxEntryBytes: 100 });
      for (const key of ['a', 'b', 'c', 'd']) await store.set(key, response(19), TTL, NOW);
      expect(store.stats()).toEqual({ entries: 4, bytes: 80, evictions: 0 });
      await store.set('e', response(60), TTL, NOW);
      expect(await present(store, ['a', 'b', 'c', 'd', 'e'])).toEqual(['d', 'e']);
      expect(store.stats()).toEqual({ entries: 2, bytes: 81, evictions: 3 });
    });

    it('counts bytes as body plus key, and keeps them right through replace, delete, purge and expiry', async () => {
      const store = open({ maxEntries: 100, maxBytes: 10_000, maxEntryBytes: 1_000 });
      await store.set('t1|a', response(100), TTL, NOW);
      await store.set('t1|b', response(50), TTL, NOW);
      await store.set('t2|a', response(10), 1_000, NOW);
      expect(store.stats()).toEqual({ entries: 3, bytes: 172, evictions: 0 });
      await store.set('t1|a', response(20), TTL, NOW);
      expect(store.stats().bytes).toBe(92);
      await store.delete('t1|b');
      expect(store.stats()).toEqual({ entries: 2, bytes: 38, evictions: 0 });
      expect(await store.get('t2|a', NOW + 1_000)).toBeUndefined();
      expect(store.stats()).toEqual({ entries: 1, bytes: 24, evictions: 0 });
      await store.deleteByPrefix('t1|');
      expect(store.stats()).toEqual({ entries: 0, bytes: 0, evictions: 0 });
    });

    it('drops expired entries on the way when it stores, without counting them as evictions', async () => {
      const store = open({ maxEntries: 2, maxBytes: 1_000, maxEntryBytes: 100 });
      await store.set('short', response(1), 1_000, NOW);
      await store.set('long', response(1), TTL, NOW);
      await store.set('new', response(1), TTL, NOW + 1_000);
      expect(store.stats()).toMatchObject({ entries: 2, evictions: 0 });
      await store.set('newer', response(1), TTL, NOW + 1_000);
      expect(store.stats()).toMatchObject({ entries: 2, evictions: 1 });
      expect(await present(store, ['long', 'new', 'newer'], NOW + 1_000)).toEqual(['new', 'newer']);
    });

    it('stays within its caps under many writes', async () => {
      const store = open({ maxEntries: 200, maxBytes: 20_000, maxEntryBytes: 500 });
      for (let index = 0; index < 3_000; index += 1) {
        await store.set(`tenant:${index % 13}|${index}`, response(index % 400), TTL, NOW + index);
        if (index % 3 === 0) await store.get(`tenant:${(index - 30) % 13}|${index - 30}`, NOW + index);
      }
      const { entries, bytes, evictions } = store.stats();
      expect(entries).toBeLessThanOrEqual(200);
      expect(bytes).toBeLessThanOrEqual(20_000);
      expect(evictions).toBe(3_000 - entries);
    });
  });
}

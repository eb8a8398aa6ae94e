import { describe, expect, it } from 'vitest';
import { describeResponseCacheStoreContract } from '../response-cache-store.contract.js';
import type { CachedResponse } from '../response-cache-store.js';
import { createMemoryResponseCacheStore } from './memory-response-cache-store.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const TTL = 60_000;

function response(size: number): CachedResponse {
  return { body: new Uint8Array(size), costNanos: null, servedBy: 'openai/gpt-4o', storedAt: NOW };
}

async function present(store: ReturnType<typeof createMemoryResponseCacheStore>, keys: readonly string[], now = NOW): Promise<string[]> {
  const found: string[] = [];
  for (const key of keys) if ((await store.get(key, now)) !== undefined) found.push(key);
  return found;
}

describeResponseCacheStoreContract('memory store', ({ maxEntryBytes }) =>
  createMemoryResponseCacheStore({ maxEntries: 10_000, maxBytes: 10_000_000, maxEntryBytes }),
);

describe('memory response cache store', () => {
  it('rejects caps that are not positive integers, or an entry cap above the byte cap, when built', () => {
    expect(() => createMemoryResponseCacheStore({ maxEntries: 0, maxBytes: 10, maxEntryBytes: 10 })).toThrow(/maxEntries/);
    expect(() => createMemoryResponseCacheStore({ maxEntries: 1, maxBytes: 1.5, maxEntryBytes: 1 })).toThrow(/maxBytes/);
    expect(() => createMemoryResponseCacheStore({ maxEntries: 1, maxBytes: 10, maxEntryBytes: 11 })).toThrow(/maxEntryBytes/);
  });

  it('evicts the least recently used entry, where a hit counts as a use', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 3, maxBytes: 1_000, maxEntryBytes: 100 });
    for (const key of ['a', 'b', 'c']) await store.set(key, response(1), TTL, NOW);
    await store.get('a', NOW);
    await store.set('d', response(1), TTL, NOW);
    expect(await present(store, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd']);
    // Replacing an entry is a use too.
    await store.set('a', response(1), TTL, NOW);
    await store.set('e', response(1), TTL, NOW);
    expect(await present(store, ['a', 'c', 'd', 'e'])).toEqual(['a', 'd', 'e']);
    expect(store.stats()).toMatchObject({ entries: 3, evictions: 2 });
  });

  it('does not count a miss by maxAgeMs as a use', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 2, maxBytes: 1_000, maxEntryBytes: 100 });
    await store.set('a', response(1), TTL, NOW);
    await store.set('b', response(1), TTL, NOW);
    expect(await store.get('a', NOW + 10, 5)).toBeUndefined();
    await store.set('c', response(1), TTL, NOW);
    expect(await present(store, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('evicts as many entries as the byte cap needs and counts each', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 100, maxBytes: 100, maxEntryBytes: 100 });
    for (const key of ['a', 'b', 'c', 'd']) await store.set(key, response(19), TTL, NOW);
    expect(store.stats()).toEqual({ entries: 4, bytes: 80, evictions: 0 });
    await store.set('e', response(60), TTL, NOW);
    expect(await present(store, ['a', 'b', 'c', 'd', 'e'])).toEqual(['d', 'e']);
    expect(store.stats()).toEqual({ entries: 2, bytes: 81, evictions: 3 });
  });

  it('counts bytes as body plus key, and keeps them right through replace, delete, purge and expiry', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 100, maxBytes: 10_000, maxEntryBytes: 1_000 });
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

  it('holds only the bytes of a body that is a view into a larger buffer', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 10, maxBytes: 1_000, maxEntryBytes: 1_000 });
    const pooled = Buffer.from('{"id":"x"}');
    await store.set('k', { ...response(0), body: pooled }, TTL, NOW);
    const hit = await store.get('k', NOW);
    expect(hit?.body.buffer.byteLength).toBe(pooled.byteLength);
    expect(Buffer.from(hit?.body ?? []).toString()).toBe('{"id":"x"}');
  });

  it('does not count expired entries it drops for room as evictions', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 2, maxBytes: 1_000, maxEntryBytes: 100 });
    await store.set('short', response(1), 1_000, NOW);
    await store.set('long', response(1), TTL, NOW);
    await store.set('new', response(1), TTL, NOW + 1_000);
    expect(store.stats()).toMatchObject({ entries: 2, evictions: 0 });
    await store.set('newer', response(1), TTL, NOW + 1_000);
    expect(store.stats()).toMatchObject({ entries: 2, evictions: 1 });
    expect(await present(store, ['long', 'new', 'newer'], NOW + 1_000)).toEqual(['new', 'newer']);
  });

  it('stays within its caps under many writes', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 1_000, maxBytes: 50_000, maxEntryBytes: 500 });
    for (let index = 0; index < 20_000; index += 1) {
      await store.set(`tenant:${index % 13}|${index}`, response(index % 400), TTL, NOW + index);
      if (index % 3 === 0) await store.get(`tenant:${(index - 30) % 13}|${index - 30}`, NOW + index);
    }
    const { entries, bytes, evictions } = store.stats();
    expect(entries).toBeLessThanOrEqual(1_000);
    expect(bytes).toBeLessThanOrEqual(50_000);
    expect(evictions).toBe(20_000 - entries);
  });

  it('is empty once closed', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 10, maxBytes: 1_000, maxEntryBytes: 100 });
    await store.set('k', response(1), TTL, NOW);
    await store.close();
    await store.close();
    expect(await store.get('k', NOW)).toBeUndefined();
    expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});

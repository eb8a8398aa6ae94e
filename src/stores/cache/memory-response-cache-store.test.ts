import { describe, expect, it } from 'vitest';
import { describeResponseCacheStoreContract } from '../response-cache-store.contract.js';
import { describeCappedResponseCacheStore } from './capped-response-cache-store.contract.js';
import type { CachedResponse } from '../response-cache-store.js';
import { createMemoryResponseCacheStore } from './memory-response-cache-store.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const TTL = 60_000;

function response(size: number): CachedResponse {
  return { body: new Uint8Array(size), costNanos: null, servedBy: 'openai/gpt-4o', storedAt: NOW };
}

describeResponseCacheStoreContract('memory store', ({ maxEntryBytes }) =>
  createMemoryResponseCacheStore({ maxEntries: 10_000, maxBytes: 10_000_000, maxEntryBytes }),
);

describeCappedResponseCacheStore('memory', (caps) => createMemoryResponseCacheStore(caps));

describe('memory response cache store', () => {
  it('holds only the bytes of a body that is a view into a larger buffer', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 10, maxBytes: 1_000, maxEntryBytes: 1_000 });
    const pooled = Buffer.from('{"id":"x"}');
    await store.set('k', { ...response(0), body: pooled }, TTL, NOW);
    const hit = await store.get('k', NOW);
    expect(hit?.body.buffer.byteLength).toBe(pooled.byteLength);
    expect(Buffer.from(hit?.body ?? []).toString()).toBe('{"id":"x"}');
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

import { afterEach, describe, expect, it } from 'vitest';
import { responseCacheEntrySize, type CachedResponse, type ResponseCacheStore } from './response-cache-store.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const TTL = 60_000;
/** The per-entry cap every store under test is built with. */
const MAX_ENTRY_BYTES = 4_096;
const KEY = 'tenant:team:search|ns:default|9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

function response(text: string, overrides: Partial<CachedResponse> = {}): CachedResponse {
  return { body: bytesOf(text), costNanos: 1_250, servedBy: 'openai/gpt-4o-mini-2024-07-18', storedAt: NOW, ...overrides };
}

/** The text of a hit's body, or undefined on a miss. */
function textOf(entry: CachedResponse | undefined): string | undefined {
  return entry === undefined ? undefined : Buffer.from(entry.body).toString('utf8');
}

export interface ResponseCacheContractOptions {
  /** The store's per-entry cap, by `responseCacheEntrySize`. Any other cap must be far above what a test stores. */
  readonly maxEntryBytes: number;
}

/**
 * The contract every `ResponseCacheStore` passes (memory, Redis). Each test gets a fresh, empty
 * store from `createStore`, built with the given `maxEntryBytes`; the suite closes it.
 */
export function describeResponseCacheStoreContract(
  name: string,
  createStore: (options: ResponseCacheContractOptions) => ResponseCacheStore | Promise<ResponseCacheStore>,
): void {
  describe(`${name} (response cache store contract)`, () => {
    const opened: ResponseCacheStore[] = [];

    async function open(): Promise<ResponseCacheStore> {
      const store = await createStore({ maxEntryBytes: MAX_ENTRY_BYTES });
      opened.push(store);
      return store;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('returns the exact bytes and metadata it stored', async () => {
      const store = await open();
      const everyByte = Uint8Array.from({ length: 512 }, (_, index) => (index * 7) % 256);
      const entry: CachedResponse = { body: everyByte, costNanos: Number.MAX_SAFE_INTEGER, servedBy: 'bedrock/anthropic.claude-3-5 — “ü”', storedAt: NOW - 5 };
      expect(await store.set(KEY, entry, TTL, NOW)).toBe(true);
      const hit = await store.get(KEY, NOW + 1);
      expect(hit).toBeDefined();
      expect(hit?.body).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(hit?.body ?? []).equals(Buffer.from(everyByte))).toBe(true);
      expect({ ...hit, body: undefined }).toEqual({ ...entry, body: undefined });
    });

    it('keeps an unknown cost as null and an empty body as empty', async () => {
      const store = await open();
      await store.set(KEY, response('', { costNanos: null }), TTL, NOW);
      const hit = await store.get(KEY, NOW);
      expect(hit?.costNanos).toBeNull();
      expect(hit?.body.byteLength).toBe(0);
    });

    it('keeps its own copy of the body, whatever the caller does to its buffer afterwards', async () => {
      const store = await open();
      const body = bytesOf('{"id":"one"}');
      await store.set(KEY, response('', { body }), TTL, NOW);
      body.fill(0);
      expect(textOf(await store.get(KEY, NOW))).toBe('{"id":"one"}');
    });

    it('misses a key it never stored', async () => {
      const store = await open();
      expect(await store.get(KEY, NOW)).toBeUndefined();
      expect(await store.delete(KEY)).toBe(false);
    });

    it('expires an entry when the caller’s clock reaches the TTL', async () => {
      const store = await open();
      await store.set(KEY, response('{"a":1}'), TTL, NOW);
      expect(textOf(await store.get(KEY, NOW + TTL - 1))).toBe('{"a":1}');
      expect(await store.get(KEY, NOW + TTL)).toBeUndefined();
    });

    it('misses an entry older than maxAgeMs, and leaves it for a caller with a looser bound', async () => {
      const store = await open();
      await store.set(KEY, response('{"a":1}', { storedAt: NOW }), TTL, NOW);
      expect(textOf(await store.get(KEY, NOW + 1_000, 1_000))).toBe('{"a":1}');
      expect(await store.get(KEY, NOW + 1_001, 1_000)).toBeUndefined();
      expect(await store.get(KEY, NOW + 1_001, 0)).toBeUndefined();
      expect(textOf(await store.get(KEY, NOW + 1_001, 5_000))).toBe('{"a":1}');
      expect(textOf(await store.get(KEY, NOW + 1_001))).toBe('{"a":1}');
    });

    it('replaces an entry, with its metadata and a fresh TTL', async () => {
      const store = await open();
      await store.set(KEY, response('{"v":1}'), 1_000, NOW);
      expect(await store.set(KEY, response('{"v":2}', { costNanos: null, servedBy: 'anthropic/claude', storedAt: NOW + 500 }), 1_000, NOW + 500)).toBe(true);
      const hit = await store.get(KEY, NOW + 1_200);
      expect(textOf(hit)).toBe('{"v":2}');
      expect(hit).toMatchObject({ costNanos: null, servedBy: 'anthropic/claude', storedAt: NOW + 500 });
      expect(await store.get(KEY, NOW + 1_500)).toBeUndefined();
    });

    it('deletes one entry', async () => {
      const store = await open();
      await store.set(KEY, response('{"a":1}'), TTL, NOW);
      await store.set(`${KEY}0`, response('{"b":2}'), TTL, NOW);
      expect(await store.delete(KEY)).toBe(true);
      expect(await store.delete(KEY)).toBe(false);
      expect(await store.get(KEY, NOW)).toBeUndefined();
      expect(textOf(await store.get(`${KEY}0`, NOW))).toBe('{"b":2}');
    });

    it('deletes by prefix only the keys that start with it, literally', async () => {
      const store = await open();
      const keys = ['tenant:a|ns:x|1', 'tenant:a|ns:y|2', 'tenant:ab|ns:x|3', 'tenant:b|ns:x|4', 'tenant:a*|ns:x|5', 'tenant:[a]|ns:x|6', 'tenant:a?|ns:x|7'];
      for (const key of keys) await store.set(key, response(key), TTL, NOW);
      expect(await store.deleteByPrefix('tenant:a|')).toBe(2);
      expect(await store.deleteByPrefix('tenant:a*|')).toBe(1);
      expect(await store.deleteByPrefix('tenant:[a]|')).toBe(1);
      expect(await store.deleteByPrefix('tenant:c|')).toBe(0);
      const left = [];
      for (const key of keys) if ((await store.get(key, NOW)) !== undefined) left.push(key);
      expect(left).toEqual(['tenant:ab|ns:x|3', 'tenant:b|ns:x|4', 'tenant:a?|ns:x|7']);
      expect(await store.deleteByPrefix('')).toBe(3);
      expect(await store.get('tenant:b|ns:x|4', NOW)).toBeUndefined();
    });

    it('refuses an entry over the per-entry cap and keeps the one already there', async () => {
      const store = await open();
      const fits = 'x'.repeat(MAX_ENTRY_BYTES - KEY.length);
      expect(responseCacheEntrySize(KEY, bytesOf(fits))).toBe(MAX_ENTRY_BYTES);
      expect(await store.set(KEY, response(fits), TTL, NOW)).toBe(true);
      expect(await store.set(KEY, response(`${fits}y`), TTL, NOW)).toBe(false);
      expect(textOf(await store.get(KEY, NOW))).toBe(fits);
      expect(await store.set('other', response('y'.repeat(MAX_ENTRY_BYTES)), TTL, NOW)).toBe(false);
      expect(await store.get('other', NOW)).toBeUndefined();
    });

    it('keeps the same request under two tenant scopes apart', async () => {
      const store = await open();
      const hash = '|ns:default|2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';
      await store.set(`tenant:team:a${hash}`, response('{"for":"a"}'), TTL, NOW);
      await store.set(`tenant:team:b${hash}`, response('{"for":"b"}', { servedBy: 'anthropic/claude' }), TTL, NOW);
      expect(textOf(await store.get(`tenant:team:a${hash}`, NOW))).toBe('{"for":"a"}');
      expect(await store.get(`tenant:team:b${hash}`, NOW)).toMatchObject({ servedBy: 'anthropic/claude' });
      await store.delete(`tenant:team:a${hash}`);
      expect(textOf(await store.get(`tenant:team:b${hash}`, NOW))).toBe('{"for":"b"}');
    });

    it('stays consistent under concurrent sets and gets', async () => {
      const store = await open();
      const keys = Array.from({ length: 200 }, (_, index) => `tenant:t${index % 7}|ns:default|${index}`);
      const stored = await Promise.all(keys.map((key) => store.set(key, response(`{"key":"${key}"}`), TTL, NOW)));
      expect(stored.every(Boolean)).toBe(true);
      const hits = await Promise.all(keys.map((key) => store.get(key, NOW)));
      expect(hits.map(textOf)).toEqual(keys.map((key) => `{"key":"${key}"}`));

      const versions = Array.from({ length: 50 }, (_, index) => `{"version":${index},"padding":"${'p'.repeat(index * 10)}"}`);
      const racing = await Promise.all([
        ...versions.map((text) => store.set(KEY, response(text), TTL, NOW)),
        ...versions.map(() => store.get(KEY, NOW)),
      ]);
      for (const seen of racing.slice(versions.length)) {
        if (typeof seen === 'object') expect(versions).toContain(textOf(seen));
      }
      expect(versions).toContain(textOf(await store.get(KEY, NOW)));
    });

    it('rejects a bug in its arguments with a RangeError and stores nothing', async () => {
      const store = await open();
      await expect(store.set(KEY, response('{}'), 0, NOW)).rejects.toThrow(RangeError);
      await expect(store.set(KEY, response('{}'), Number.NaN, NOW)).rejects.toThrow(RangeError);
      await expect(store.set(KEY, response('{}', { costNanos: 0.5 }), TTL, NOW)).rejects.toThrow(RangeError);
      await expect(store.set(KEY, response('{}', { costNanos: -1 }), TTL, NOW)).rejects.toThrow(RangeError);
      await expect(store.get(KEY, NOW, -1)).rejects.toThrow(RangeError);
      expect(await store.get(KEY, NOW)).toBeUndefined();
    });
  });
}

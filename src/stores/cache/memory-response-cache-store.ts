import { responseCacheEntrySize, type CachedResponse, type ResponseCacheStats, type ResponseCacheStore } from '../response-cache-store.js';
import { checkResponseCacheGet, checkResponseCacheSet, responseCacheExpiry } from './check-response-cache-arguments.js';

export interface MemoryResponseCacheStoreOptions {
  /** The most entries held at once. */
  readonly maxEntries: number;
  /** The most bytes held at once, counted by `responseCacheEntrySize`. */
  readonly maxBytes: number;
  /** The largest single entry stored; at most `maxBytes`. */
  readonly maxEntryBytes: number;
}

interface Slot {
  readonly entry: CachedResponse;
  readonly expiresAt: number;
  readonly size: number;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The embedded response cache: a least-recently-used map held under both an entry cap and a
 * byte cap. `get` and `set` are O(1): a `Map` keeps insertion order, and a hit is re-inserted so
 * the first key is always the least recently used. Expiry is judged on read against the caller's
 * `now`; an expired entry keeps its place (and its bytes) until it is read or evicted, and the
 * caps bound both. `set` evicts from the least recently used end until both caps hold again.
 *
 * `set` copies the body into a buffer of its own, so the caller may reuse its buffer and a body
 * that is a view into a larger one (a pooled `Buffer`) holds no more than its own bytes. Readers
 * share that copy; they must not write to it.
 *
 * `stats()` is exact for this process: `bytes` is the sum of `responseCacheEntrySize` (expired
 * entries not yet dropped included), and `evictions` counts live entries dropped for room; an
 * expired one dropped on the way is not counted, as it cost no hit.
 */
export function createMemoryResponseCacheStore(options: MemoryResponseCacheStoreOptions): ResponseCacheStore {
  const maxEntries = positiveInteger(options.maxEntries, 'maxEntries');
  const maxBytes = positiveInteger(options.maxBytes, 'maxBytes');
  const maxEntryBytes = positiveInteger(options.maxEntryBytes, 'maxEntryBytes');
  if (maxEntryBytes > maxBytes) throw new RangeError(`maxEntryBytes (${maxEntryBytes}) must not exceed maxBytes (${maxBytes})`);

  const slots = new Map<string, Slot>();
  let bytes = 0;
  let evictions = 0;

  function remove(key: string, slot: Slot): void {
    slots.delete(key);
    bytes -= slot.size;
  }

  function evictUntilWithinCaps(now: number): void {
    while (slots.size > maxEntries || bytes > maxBytes) {
      const oldest = slots.entries().next();
      if (oldest.done === true) return;
      const [key, slot] = oldest.value;
      remove(key, slot);
      if (slot.expiresAt > now) evictions += 1;
    }
  }

  return {
    async get(key: string, now: number, maxAgeMs?: number): Promise<CachedResponse | undefined> {
      checkResponseCacheGet(now, maxAgeMs);
      const slot = slots.get(key);
      if (slot === undefined) return undefined;
      if (now >= slot.expiresAt) {
        remove(key, slot);
        return undefined;
      }
      if (maxAgeMs !== undefined && now - slot.entry.storedAt > maxAgeMs) return undefined;
      slots.delete(key);
      slots.set(key, slot);
      return slot.entry;
    },

    async set(key: string, entry: CachedResponse, ttlMs: number, now: number): Promise<boolean> {
      checkResponseCacheSet(entry, ttlMs, now);
      const size = responseCacheEntrySize(key, entry.body);
      if (size > maxEntryBytes) return false;
      const previous = slots.get(key);
      if (previous !== undefined) remove(key, previous);
      const stored: CachedResponse = Object.freeze({
        body: new Uint8Array(entry.body),
        costNanos: entry.costNanos,
        servedBy: entry.servedBy,
        storedAt: entry.storedAt,
      });
      slots.set(key, { entry: stored, expiresAt: responseCacheExpiry(ttlMs, now), size });
      bytes += size;
      evictUntilWithinCaps(now);
      return true;
    },

    async delete(key: string): Promise<boolean> {
      const slot = slots.get(key);
      if (slot === undefined) return false;
      remove(key, slot);
      return true;
    },

    async deleteByPrefix(prefix: string): Promise<number> {
      let deleted = 0;
      for (const [key, slot] of slots) {
        if (!key.startsWith(prefix)) continue;
        remove(key, slot);
        deleted += 1;
      }
      return deleted;
    },

    stats(): ResponseCacheStats {
      return { entries: slots.size, bytes, evictions };
    },

    async close(): Promise<void> {
      slots.clear();
      bytes = 0;
    },
  };
}

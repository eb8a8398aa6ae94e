import type { Clock } from '../../core/clock.js';
import { hashKeySecret, isWellFormedKeySecret } from './key-secret.js';
import type { VirtualKeyRecord } from './virtual-key.js';
import type { VirtualKeyLookup } from './virtual-key-store.js';

export type KeyRejectionReason = 'unknown' | 'revoked' | 'expired' | 'malformed';

export type KeyAuthentication =
  | { readonly ok: true; readonly key: VirtualKeyRecord }
  | { readonly ok: false; readonly reason: KeyRejectionReason };

/**
 * Whether a presented secret names a live key at `now` (wall-clock ms). Returns a value for
 * every input: anything that is not `tg-` plus 40 url-safe characters is `malformed` and never
 * hashed or looked up. A revoked key is `revoked` (checked before expiry); a key is `expired`
 * from its `expiresAt` on. Rejects only when the lookup itself fails (a store error, not bad input).
 */
export async function authenticateKey(lookup: VirtualKeyLookup, presentedSecret: unknown, now: number): Promise<KeyAuthentication> {
  if (!isWellFormedKeySecret(presentedSecret)) return { ok: false, reason: 'malformed' };
  const key = await lookup.findByHash(hashKeySecret(presentedSecret));
  if (key === undefined) return { ok: false, reason: 'unknown' };
  if (key.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (key.expiresAt !== null && now >= key.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, key };
}

export interface CachedKeyLookupOptions {
  /** How long a found key is served from memory, in ms; also the longest a revocation can lag. */
  readonly ttlMs: number;
  /** The most keys held; the least recently used goes first. */
  readonly maxEntries: number;
  /** Ages entries by `monotonic()`, so wall-clock jumps neither keep nor drop them. */
  readonly clock: Clock;
}

export interface CachedKeyLookup extends VirtualKeyLookup {
  /** Drops every cached key, e.g. right after this process revoked one. */
  clear(): void;
}

interface CacheEntry {
  readonly record: VirtualKeyRecord;
  readonly storedAt: number;
}

/**
 * A bounded in-memory cache in front of a store, so the request path does not read the store
 * on every request. Found keys are kept for `ttlMs` (least recently used evicted beyond
 * `maxEntries`): a revocation made in another process takes effect within `ttlMs`; expiry is
 * exact, since `authenticateKey` compares `expiresAt` with its own `now` on every call.
 *
 * Misses are not cached: a newly created key works at once, and a flood of random secrets
 * cannot evict the keys in use; each miss costs one indexed read. Cached records are frozen,
 * since every caller shares them.
 */
export function createCachedKeyLookup(store: VirtualKeyLookup, options: CachedKeyLookupOptions): CachedKeyLookup {
  const { ttlMs, maxEntries, clock } = options;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${String(ttlMs)}`);
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${String(maxEntries)}`);
  // A Map iterates in insertion order; re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, CacheEntry>();

  return {
    async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
      const cached = entries.get(hash);
      if (cached !== undefined) {
        entries.delete(hash);
        if (clock.monotonic() - cached.storedAt < ttlMs) {
          entries.set(hash, cached);
          return cached.record;
        }
      }
      const found = await store.findByHash(hash);
      if (found === undefined) return undefined;
      const record = deepFreeze(found);
      entries.delete(hash);
      entries.set(hash, { record, storedAt: clock.monotonic() });
      while (entries.size > maxEntries) {
        const leastRecent = entries.keys().next();
        if (leastRecent.done) break;
        entries.delete(leastRecent.value);
      }
      return record;
    },

    clear(): void {
      entries.clear();
    },
  };
}

function deepFreeze<Value>(value: Value): Value {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

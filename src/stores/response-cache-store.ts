/**
 * The seam between the exact response cache stage and where its answers live: in this process
 * (`cache/memory-response-cache-store.ts`, a byte- and entry-capped LRU) or in Redis, shared by
 * every replica (`cache/redis-response-cache-store.ts`). Every implementation passes
 * `response-cache-store.contract.ts`.
 *
 * Keys are opaque strings built by the stage: a tenant scope, a namespace, then a hash of the
 * canonical request (`tenant:team:search|ns:default|<sha256 hex>`), so one tenant can never be
 * served another's answer and a tenant or namespace can be purged by prefix. The store never
 * looks inside a key.
 *
 * Time comes in as arguments (`now`, wall-clock ms from the caller's clock): an entry expires
 * when `now` reaches the `now` it was stored at plus its TTL. A shared store also lets its
 * backend drop the entry after the TTL by the backend's own clock; whichever comes first wins,
 * so no entry is ever served past its TTL.
 *
 * A store that cannot reach its backend rejects with a `TollgateError` coded
 * `TG_ERR_STORE_UNAVAILABLE`, promptly (as fast as its client fails, well under a second), never
 * hanging; the cache stage treats that as a miss (on `get`) or as not stored (on `set`). Invalid
 * arguments (a non-positive TTL, a fractional cost) reject with a `RangeError`: they are bugs.
 */

/** One stored answer. Treat it, and its body, as read-only: a store may hand the same bytes to every reader. */
export interface CachedResponse {
  /** The provider-neutral OpenAI `chat.completion` JSON as UTF-8 bytes, returned exactly as stored. */
  readonly body: Uint8Array;
  /** What the original call cost (a non-negative integer of nano-dollars), recorded as avoided on a hit; null when unknown. */
  readonly costNanos: number | null;
  /** `provider/upstream-model` that produced it. */
  readonly servedBy: string;
  /** Wall-clock ms when the answer was stored; `maxAgeMs` on `get` is measured from here. */
  readonly storedAt: number;
}

/** What a store knows of what it holds. Each implementation says how exact its numbers are. */
export interface ResponseCacheStats {
  readonly entries: number;
  /** The sum of `responseCacheEntrySize` over the entries. */
  readonly bytes: number;
  /** Live entries this store dropped to stay under its caps. */
  readonly evictions: number;
}

export interface ResponseCacheStore {
  /**
   * The entry under `key`, or undefined when it is absent, expired by `now`, or older than
   * `maxAgeMs` (when given: `now − storedAt > maxAgeMs`, a caller's stricter freshness, which
   * leaves the entry for callers with a looser one).
   */
  get(key: string, now: number, maxAgeMs?: number): Promise<CachedResponse | undefined>;
  /**
   * Stores `entry` under `key`, replacing any entry there, until `now + ttlMs`. An entry whose
   * `responseCacheEntrySize` exceeds the store's `maxEntryBytes` is not stored and leaves any
   * entry already under `key` alone: resolves false. Resolves true once stored.
   */
  set(key: string, entry: CachedResponse, ttlMs: number, now: number): Promise<boolean>;
  /** Drops the entry under `key`; resolves whether there was one. */
  delete(key: string): Promise<boolean>;
  /**
   * Drops every entry whose key starts with `prefix` (a plain string prefix: end it with the
   * key's separator so `tenant:a|` spares `tenant:ab|`); resolves how many. Meant for purges, not
   * the hot path: it may walk every key. Entries stored while it runs may survive it.
   */
  deleteByPrefix(prefix: string): Promise<number>;
  stats(): ResponseCacheStats;
  /** Releases what the store holds (memory, a connection it owns); safe to call twice. */
  close(): Promise<void>;
}

/**
 * The size an entry counts for, against `maxEntryBytes` and in `stats().bytes`: its body's bytes
 * plus its key's length. Metadata and bookkeeping are small and left out.
 */
export function responseCacheEntrySize(key: string, body: Uint8Array): number {
  return key.length + body.byteLength;
}

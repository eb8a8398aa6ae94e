import { redisFailuresAsUnavailable } from '../redis/redis-failures.js';
import type { Redis } from 'ioredis';
import { closeRedisConnection } from '../redis/open-redis-connection.js';
import { scriptKeyPrefix } from '../redis/redis-script.js';
import { responseCacheEntrySize, type CachedResponse, type ResponseCacheStats, type ResponseCacheStore } from '../response-cache-store.js';
import { decodeCachedResponse, encodeCachedResponse } from './cached-response-codec.js';
import { checkResponseCacheGet, checkResponseCacheSet, responseCacheExpiry } from './check-response-cache-arguments.js';
import { createExpiringTally } from './expiring-tally.js';

export interface RedisResponseCacheStoreOptions {
  /** A fail-fast client from `openRedisConnection`. */
  readonly redis: Redis;
  /**
   * Every key the store writes starts with this, e.g. `tollgate:cache:`. Must not be empty, and
   * no other store's prefix may start with it: `deleteByPrefix('')` drops everything under it.
   */
  readonly keyPrefix: string;
  /** The largest single entry stored, by `responseCacheEntrySize`. */
  readonly maxEntryBytes: number;
  /** Whether `close` quits the connection (default true); false when it is shared and closed elsewhere. */
  readonly ownsConnection?: boolean;
}

/** Keys asked for per SCAN step, and so the most unlinked per UNLINK. */
const SCAN_BATCH = 500;


/** A SCAN `MATCH` pattern matching `text` literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The shared response cache: one Redis string per entry under `keyPrefix`, holding body and
 * metadata in one binary value (`cached-response-codec.ts`), written with `SET … PX ttl`, so
 * every replica sees every answer and Redis drops it when the TTL runs out by its clock. The
 * expiry by the caller's clock is stored too and checked on read, as is `maxAgeMs` against
 * `storedAt`. A value it cannot decode (another format, a foreign write) reads as a miss.
 *
 * Size is the operator's to bound: set `maxmemory` with `maxmemory-policy allkeys-lru` (or
 * `volatile-lru`; every entry has a TTL) on a Redis instance of the cache's own. Do not share an
 * instance with the budget counters: an evicting policy could drop their keys, and under
 * `noeviction` a full cache makes their writes fail. The store enforces only `maxEntryBytes`,
 * refusing an oversize entry without a round trip.
 *
 * `deleteByPrefix` walks the prefix with SCAN and drops each batch with UNLINK: O(keys in the
 * database), no long block. On Redis Cluster it would see one node only; use a single primary.
 *
 * `stats()` is an estimate of this process's share: the entries (and bytes) it stored whose TTL
 * has not run out by the latest `now` it was given. It does not see other replicas' writes,
 * deletions, replacements (a replaced entry counts twice until its TTL runs out) or Redis's
 * evictions (`INFO stats` `evicted_keys` counts those); summed over replicas it approaches the
 * shared total. `evictions` is 0: this store never evicts.
 *
 * Any Redis failure, timeout or dropped connection rejects with `TG_ERR_STORE_UNAVAILABLE`, as
 * fast as the client fails.
 */
export function createRedisResponseCacheStore(options: RedisResponseCacheStoreOptions): ResponseCacheStore {
  const { redis, keyPrefix, maxEntryBytes } = options;
  if (keyPrefix === '') throw new RangeError('keyPrefix must not be empty');
  if (!Number.isSafeInteger(maxEntryBytes) || maxEntryBytes <= 0) throw new RangeError(`maxEntryBytes must be a positive integer, got ${maxEntryBytes}`);
  const ownsConnection = options.ownsConnection ?? true;
  /** The client prefixes the keys of commands it sends, but neither SCAN's pattern nor the keys SCAN returns. */
  const clientPrefix = redis.options.keyPrefix ?? '';
  const scanPrefix = scriptKeyPrefix(redis, keyPrefix);
  const tally = createExpiringTally();
  let latestNow = Number.NEGATIVE_INFINITY;
  let closed = false;

  const run = redisFailuresAsUnavailable('Response cache store');

  function observe(now: number): void {
    if (now > latestNow) latestNow = now;
  }

  return {
    async get(key: string, now: number, maxAgeMs?: number): Promise<CachedResponse | undefined> {
      checkResponseCacheGet(now, maxAgeMs);
      observe(now);
      const value = await run('get', () => redis.getBuffer(keyPrefix + key));
      if (value === null) return undefined;
      const decoded = decodeCachedResponse(value);
      if (decoded === undefined || now >= decoded.expiresAt) return undefined;
      if (maxAgeMs !== undefined && now - decoded.entry.storedAt > maxAgeMs) return undefined;
      return decoded.entry;
    },

    async set(key: string, entry: CachedResponse, ttlMs: number, now: number): Promise<boolean> {
      checkResponseCacheSet(entry, ttlMs, now);
      const size = responseCacheEntrySize(key, entry.body);
      if (size > maxEntryBytes) return false;
      observe(now);
      const expiresAt = responseCacheExpiry(ttlMs, now);
      await run('set', () => redis.set(keyPrefix + key, encodeCachedResponse(entry, expiresAt), 'PX', Math.ceil(ttlMs)));
      tally.add(size, expiresAt, now);
      return true;
    },

    async delete(key: string): Promise<boolean> {
      return (await run('delete', () => redis.unlink(keyPrefix + key))) > 0;
    },

    async deleteByPrefix(prefix: string): Promise<number> {
      const pattern = `${escapeGlob(scanPrefix + prefix)}*`;
      return await run('deleteByPrefix', async () => {
        let cursor = '0';
        let deleted = 0;
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
          cursor = next;
          if (keys.length > 0) deleted += await redis.unlink(...keys.map((scanned) => scanned.slice(clientPrefix.length)));
        } while (cursor !== '0');
        return deleted;
      });
    },

    stats(): ResponseCacheStats {
      return { ...tally.totals(latestNow), evictions: 0 };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (ownsConnection) await closeRedisConnection(redis);
    },
  };
}

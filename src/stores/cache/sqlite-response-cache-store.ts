import type BetterSqlite3 from 'better-sqlite3';
import { TollgateError } from '../../core/errors.js';
import { responseCacheEntrySize, type CachedResponse, type ResponseCacheStats, type ResponseCacheStore } from '../response-cache-store.js';
import { openSqliteDatabase, type OpenSqliteDatabaseOptions } from '../sqlite/open-sqlite-database.js';
import { checkResponseCacheGet, checkResponseCacheSet, responseCacheExpiry } from './check-response-cache-arguments.js';

export interface SqliteResponseCacheCaps {
  /** The most entries held at once. */
  readonly maxEntries: number;
  /** The most bytes held at once, counted by `responseCacheEntrySize`. */
  readonly maxBytes: number;
  /** The largest single entry stored; at most `maxBytes`. */
  readonly maxEntryBytes: number;
}

export interface CreateSqliteResponseCacheStoreOptions extends SqliteResponseCacheCaps {
  /** An open database with every migration applied (see `openSqliteDatabase`). */
  readonly database: BetterSqlite3.Database;
  /** Close the database when the store closes (default false: whoever opened it closes it). */
  readonly closeDatabase?: boolean;
}

export interface OpenSqliteResponseCacheStoreOptions extends SqliteResponseCacheCaps, OpenSqliteDatabaseOptions {}

/**
 * How long a write waits for another connection's lock (default 250 ms). The driver is
 * synchronous, so the wait blocks the event loop: the cache keeps it short and gives up (the
 * stage serves the answer unstored), as the contract asks ("promptly, well under a second").
 */
const DEFAULT_BUSY_TIMEOUT_MS = 250;

/** Expired rows dropped per `set`, by the expiry index: bounded work on the write path. */
const EXPIRED_PURGE_BATCH = 32;

/** Uses noted before they are written without waiting for a `set`: a batch takes a millisecond or two. */
const PENDING_USES_LIMIT = 256;

interface EntryRow {
  readonly body: Buffer;
  readonly cost_nanos: number | null;
  readonly served_by: string;
  readonly stored_at: number;
  readonly expires_at: number;
}

interface TotalsRow {
  readonly entries: number;
  readonly bytes: number;
  readonly evictions: number;
}

/** Opens (creating if needed, migrating always) its own connection to the SQLite file at `path`. */
export function openSqliteResponseCacheStore(options: OpenSqliteResponseCacheStoreOptions): ResponseCacheStore {
  const database = openSqliteDatabase({ ...options, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    return createSqliteResponseCacheStore({ ...options, database, closeDatabase: true });
  } catch (error) {
    database.close();
    throw error;
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The embedded response cache, persisted: the memory store's semantics (TTL by the caller's
 * `now`, `maxAgeMs`, oversize entries refused, least-recently-used eviction under an entry cap
 * and a byte cap) in SQLite (migration 0005), so cached answers survive a restart.
 *
 * A hit is one indexed SELECT and no write: the use is noted in memory (in order, each key once)
 * and written with the next `set`, in its transaction and before it evicts anything, so eviction
 * by this store is exactly least recently used. Uses are also written, in one transaction, once
 * 256 are waiting (a run of hits without a miss) and on `close`. That is bookkeeping: if it
 * fails, the use order is what is lost, never an entry. Why not an UPDATE per hit: each costs a
 * WAL commit and, every few hundred, a checkpoint (measured with 10,000 entries: about 190 µs a
 * hit on average when the entry's own row is updated, 50 µs with the order in its table of
 * its own, 11 µs a use when 256 are written at once, against a hit's read of about 10 µs).
 *
 * An expired entry found by `get` is a miss, and deleted (best effort, like the uses: the
 * answer is right either way); each `set` also drops up to 32 expired rows through the expiry
 * index. `set` runs in one immediate transaction: purge, write the pending uses, upsert (a
 * replacement is a use too), then evict from the least recently used end until both caps hold.
 *
 * `stats()` answers from memory: the totals row (kept exact by triggers, whichever connection
 * writes) as read when the store opened and after each of its writes. It describes the file,
 * not the process: entries and bytes (expired rows not yet dropped included) and `evictions`
 * (live entries dropped for room, by any connection, since the file was created) survive a
 * restart. Caps are enforced against those totals, so connections sharing a file keep it within
 * the caps of whichever writes; uses another connection has not written yet are not seen, so
 * eviction across connections is approximately least recently used.
 *
 * The driver is synchronous: each method's work is atomic with respect to other calls in this
 * process. Any database failure (a closed connection, a disk error, `SQLITE_BUSY` past the busy
 * timeout) rejects with `TG_ERR_STORE_UNAVAILABLE`; invalid arguments reject with a `RangeError`.
 */
export function createSqliteResponseCacheStore(options: CreateSqliteResponseCacheStoreOptions): ResponseCacheStore {
  const { database } = options;
  const maxEntries = positiveInteger(options.maxEntries, 'maxEntries');
  const maxBytes = positiveInteger(options.maxBytes, 'maxBytes');
  const maxEntryBytes = positiveInteger(options.maxEntryBytes, 'maxEntryBytes');
  if (maxEntryBytes > maxBytes) throw new RangeError(`maxEntryBytes (${maxEntryBytes}) must not exceed maxBytes (${maxBytes})`);

  const statements = {
    find: database.prepare<[string], EntryRow>('SELECT body, cost_nanos, served_by, stored_at, expires_at FROM response_cache WHERE key = ?'),
    touch: database.prepare<[string]>(
      `UPDATE response_cache_uses SET last_used = (SELECT max(last_used) FROM response_cache_uses) + 1
       WHERE entry_id = (SELECT id FROM response_cache WHERE key = ?)`,
    ),
    upsert: database.prepare<[string, number | null, string, number, number, number, Buffer]>(
      `INSERT INTO response_cache (key, cost_nanos, served_by, stored_at, expires_at, size, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET cost_nanos = excluded.cost_nanos, served_by = excluded.served_by, stored_at = excluded.stored_at,
         expires_at = excluded.expires_at, size = excluded.size, body = excluded.body`,
    ),
    purgeExpired: database.prepare<[number, number]>(
      'DELETE FROM response_cache WHERE id IN (SELECT id FROM response_cache WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)',
    ),
    evictLeastRecentlyUsed: database.prepare<[], { expires_at: number }>(
      'DELETE FROM response_cache WHERE id = (SELECT entry_id FROM response_cache_uses ORDER BY last_used LIMIT 1) RETURNING expires_at',
    ),
    countEvictions: database.prepare<[number]>('UPDATE response_cache_totals SET evictions = evictions + ? WHERE id = 1'),
    remove: database.prepare<[string]>('DELETE FROM response_cache WHERE key = ?'),
    // Keys are valid UTF-8 and compare bytewise, so every key starting with the prefix sorts
    // below the prefix followed by the byte 0xFF, which UTF-8 never uses: an index range, no wildcards.
    removeByPrefix: database.prepare<[string, string]>("DELETE FROM response_cache WHERE key >= ? AND key < ? || CAST(X'FF' AS TEXT)"),
    totals: database.prepare<[], TotalsRow>('SELECT entries, bytes, evictions FROM response_cache_totals WHERE id = 1'),
  };

  let totals = readTotals();
  let closed = false;
  /** Keys hit since uses were last written, least recent first; at most PENDING_USES_LIMIT. */
  const pendingUses = new Set<string>();

  function readTotals(): ResponseCacheStats {
    const row = statements.totals.get();
    return row === undefined ? { entries: 0, bytes: 0, evictions: 0 } : { entries: row.entries, bytes: row.bytes, evictions: row.evictions };
  }

  /** Runs `work` (synchronous database calls), turning any failure into `TG_ERR_STORE_UNAVAILABLE`. */
  function run<Result>(operation: string, work: () => Result): Result {
    if (closed) throw unavailable(operation, new Error('the store is closed'), database);
    try {
      return work();
    } catch (error) {
      throw unavailable(operation, error, database);
    }
  }

  /** Moves each pending key, in the order it was used, to the newest end. Call inside a transaction. */
  function writePendingUses(): void {
    const uses = [...pendingUses];
    pendingUses.clear();
    for (const key of uses) statements.touch.run(key);
  }

  const writeUses = database.transaction(writePendingUses);

  function writeUsesBestEffort(): void {
    try {
      writeUses.immediate();
    } catch {
      // Only the use order is lost: the entries are whole, and the next uses are noted afresh.
    }
  }

  function noteUse(key: string): void {
    pendingUses.delete(key);
    pendingUses.add(key);
    if (pendingUses.size >= PENDING_USES_LIMIT) writeUsesBestEffort();
  }

  const storeEntry = database.transaction((key: string, entry: CachedResponse, expiresAt: number, size: number, now: number): void => {
    statements.purgeExpired.run(now, EXPIRED_PURGE_BATCH);
    writePendingUses();
    const body = Buffer.from(entry.body.buffer, entry.body.byteOffset, entry.body.byteLength);
    statements.upsert.run(key, entry.costNanos, entry.servedBy, entry.storedAt, expiresAt, size, body);
    statements.touch.run(key);
    let { entries, bytes } = readTotals();
    let evicted = 0;
    while (entries > maxEntries || bytes > maxBytes) {
      const dropped = statements.evictLeastRecentlyUsed.get();
      if (dropped === undefined) break;
      ({ entries, bytes } = readTotals());
      if (dropped.expires_at > now) evicted += 1;
    }
    if (evicted > 0) statements.countEvictions.run(evicted);
    totals = readTotals();
  });

  return {
    async get(key: string, now: number, maxAgeMs?: number): Promise<CachedResponse | undefined> {
      checkResponseCacheGet(now, maxAgeMs);
      const row = run('get', () => statements.find.get(key));
      if (row === undefined) return undefined;
      if (now >= row.expires_at) {
        try {
          statements.remove.run(key);
          totals = readTotals();
        } catch {
          // Still a miss; the next `set` purges expired rows anyway.
        }
        return undefined;
      }
      if (maxAgeMs !== undefined && now - row.stored_at > maxAgeMs) return undefined;
      noteUse(key);
      return Object.freeze({
        body: new Uint8Array(row.body.buffer, row.body.byteOffset, row.body.byteLength),
        costNanos: row.cost_nanos,
        servedBy: row.served_by,
        storedAt: row.stored_at,
      });
    },

    async set(key: string, entry: CachedResponse, ttlMs: number, now: number): Promise<boolean> {
      checkResponseCacheSet(entry, ttlMs, now);
      const size = responseCacheEntrySize(key, entry.body);
      if (size > maxEntryBytes) return false;
      run('set', () => storeEntry.immediate(key, entry, responseCacheExpiry(ttlMs, now), size, now));
      return true;
    },

    async delete(key: string): Promise<boolean> {
      return run('delete', () => {
        const { changes } = statements.remove.run(key);
        if (changes > 0) totals = readTotals();
        return changes > 0;
      });
    },

    async deleteByPrefix(prefix: string): Promise<number> {
      return run('deleteByPrefix', () => {
        const { changes } = statements.removeByPrefix.run(prefix, prefix);
        totals = readTotals();
        return changes;
      });
    },

    stats(): ResponseCacheStats {
      return totals;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (!database.open) return;
      if (pendingUses.size > 0) writeUsesBestEffort();
      if (options.closeDatabase === true) database.close();
    },
  };
}

function unavailable(operation: string, error: unknown, database: BetterSqlite3.Database): TollgateError {
  const reason = error instanceof Error ? error.message : String(error);
  return new TollgateError({
    code: 'TG_ERR_STORE_UNAVAILABLE',
    message: `Response cache database unavailable (${operation})${database.open ? '' : ' (it was closed)'}: ${reason}`,
    cause: error,
  });
}

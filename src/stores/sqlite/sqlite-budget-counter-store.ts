import type BetterSqlite3 from 'better-sqlite3';
import { TollgateError } from '../../core/errors.js';
import type { BucketAmount, BudgetCounterStore } from '../budget-counter-store.js';
import { createMemoryBudgetCounterStore } from '../memory/memory-budget-counter-store.js';
import { openSqliteDatabase, type OpenSqliteDatabaseOptions } from './open-sqlite-database.js';

export interface CreateSqliteBudgetCounterStoreOptions {
  /** An open database with every migration applied (see `openSqliteDatabase`), possibly shared with other stores. */
  readonly database: BetterSqlite3.Database;
  /** Close the database when the store closes (default false: whoever opened it closes it). */
  readonly closeDatabase?: boolean;
  /** How long a settled request id is remembered so a replayed reserve or settle is not counted twice (default 15 min). */
  readonly settledRetentionMs?: number;
  /** How long settled spend may wait before it is written (default 20 ms); `close` writes the rest. */
  readonly flushIntervalMs?: number;
  /** Told when a write fails; the spend stays queued and is written by the next flush. */
  readonly onFlushError?: (error: unknown) => void;
}

export interface OpenSqliteBudgetCounterStoreOptions extends OpenSqliteDatabaseOptions {
  readonly settledRetentionMs?: number;
  readonly flushIntervalMs?: number;
  readonly onFlushError?: (error: unknown) => void;
}

interface DirtyBucket {
  readonly budgetId: string;
  readonly windowKey: string;
  retainUntil: number;
}

const DEFAULT_FLUSH_INTERVAL_MS = 20;

/** Opens (creating if needed, migrating always) a SQLite budget counter store at a file path or `:memory:`. */
export function openSqliteBudgetCounterStore(options: OpenSqliteBudgetCounterStoreOptions): BudgetCounterStore {
  const database = openSqliteDatabase(options);
  try {
    return createSqliteBudgetCounterStore({ ...options, database, closeDatabase: true });
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * The embedded budget counter store: the memory store's counters, owned by this one process and
 * persisted in SQLite (migration 0003) so a restart loses no spend. Reserve, settle and release
 * run in memory (about 9 µs for a pair over two budgets, against about 150 µs for a SQLite
 * transaction per call); settled spend per bucket is written behind, as absolute values, in one
 * transaction every `flushIntervalMs`, and on `close`. Claims (alerts) are written at once.
 *
 * What survives a restart: every bucket's settled spend and every claim. Reservations do not:
 * they belong to requests of the process that held them, which ended with it. A crash (not a
 * graceful stop) may lose the spend of the last `flushIntervalMs`, as the ledger's batching may
 * lose its last batch. One process owns the file's counters; several gateways share counters
 * through the scale-out store (Redis) instead.
 */
export function createSqliteBudgetCounterStore(options: CreateSqliteBudgetCounterStoreOptions): BudgetCounterStore {
  const { database } = options;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  if (!Number.isFinite(flushIntervalMs) || flushIntervalMs < 0) throw new RangeError(`flushIntervalMs must be a non-negative number, got ${flushIntervalMs}`);
  const statements = {
    buckets: database.prepare<[], { budget_id: string; window_key: string; spent: number; retain_until: number }>(
      'SELECT budget_id, window_key, spent, retain_until FROM budget_buckets',
    ),
    claims: database.prepare<[], { claim_key: string; retain_until: number }>('SELECT claim_key, retain_until FROM budget_claims'),
    upsertBucket: database.prepare(
      `INSERT INTO budget_buckets (budget_id, window_key, spent, retain_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (budget_id, window_key) DO UPDATE SET spent = excluded.spent, retain_until = max(retain_until, excluded.retain_until)`,
    ),
    deleteBucket: database.prepare('DELETE FROM budget_buckets WHERE budget_id = ? AND window_key = ?'),
    dropBuckets: database.prepare('DELETE FROM budget_buckets WHERE retain_until <= ?'),
    insertClaim: database.prepare('INSERT INTO budget_claims (claim_key, retain_until) VALUES (?, ?) ON CONFLICT (claim_key) DO UPDATE SET retain_until = excluded.retain_until'),
    dropClaims: database.prepare('DELETE FROM budget_claims WHERE retain_until <= ?'),
  };
  const memory = createMemoryBudgetCounterStore({
    settledRetentionMs: options.settledRetentionMs,
    restore: {
      buckets: statements.buckets.all().map((row) => ({ budgetId: row.budget_id, windowKey: row.window_key, spent: row.spent, retainUntil: row.retain_until })),
      claims: statements.claims.all().map((row) => ({ claimKey: row.claim_key, retainUntil: row.retain_until })),
    },
  });

  // Bounded by the buckets settled into since the last flush.
  const dirty = new Map<string, DirtyBucket>();
  let latestNow = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let flushing: Promise<void> | undefined;

  function ensureOpen(): void {
    if (closed) throw new Error('the budget counter store is closed');
  }

  function markDirty(amounts: readonly BucketAmount[], now: number): void {
    latestNow = Math.max(latestNow, now);
    for (const amount of amounts) {
      const key = `${amount.budgetId}\u0000${amount.windowKey}`;
      const known = dirty.get(key);
      if (known === undefined) dirty.set(key, { budgetId: amount.budgetId, windowKey: amount.windowKey, retainUntil: amount.retainUntil });
      else known.retainUntil = Math.max(known.retainUntil, amount.retainUntil);
    }
    if (timer === undefined && dirty.size > 0) {
      timer = setTimeout(() => void flush(), flushIntervalMs);
      timer.unref();
    }
  }

  async function flush(): Promise<void> {
    timer = undefined;
    if (flushing !== undefined) await flushing;
    if (dirty.size === 0) return;
    const batch = [...dirty.values()];
    dirty.clear();
    flushing = (async () => {
      // Read the settled figures first (the memory store answers without yielding to other work).
      const figures = await Promise.all(batch.map(async (bucket) => ({ bucket, spent: (await memory.usage(bucket.budgetId, bucket.windowKey)).spent })));
      try {
        database.transaction(() => {
          for (const { bucket, spent } of figures) {
            // A bucket the memory store has dropped (past retainUntil) reads 0: drop its row too.
            if (spent === 0) statements.deleteBucket.run(bucket.budgetId, bucket.windowKey);
            else statements.upsertBucket.run(bucket.budgetId, bucket.windowKey, spent, bucket.retainUntil);
          }
          if (Number.isFinite(latestNow)) {
            statements.dropBuckets.run(latestNow);
            statements.dropClaims.run(latestNow);
          }
        })();
      } catch (error) {
        for (const { bucket } of figures) if (!dirty.has(`${bucket.budgetId}\u0000${bucket.windowKey}`)) dirty.set(`${bucket.budgetId}\u0000${bucket.windowKey}`, bucket);
        options.onFlushError?.(error);
        if (!closed && timer === undefined) {
          timer = setTimeout(() => void flush(), Math.max(flushIntervalMs, 1_000));
          timer.unref();
        }
        throw unavailable(error, database);
      }
    })();
    try {
      await flushing;
    } finally {
      flushing = undefined;
    }
  }

  return {
    async reserve(requestId, amounts, limits, ttlMs, now) {
      ensureOpen();
      return memory.reserve(requestId, amounts, limits, ttlMs, now);
    },

    async settle(requestId, actual, now) {
      ensureOpen();
      const outcome = await memory.settle(requestId, actual, now);
      if (outcome !== 'already-settled') markDirty(actual, now);
      return outcome;
    },

    async release(requestId) {
      ensureOpen();
      return memory.release(requestId);
    },

    async expire(now) {
      ensureOpen();
      latestNow = Math.max(latestNow, now);
      await memory.expire(now);
    },

    async usage(budgetId, windowKey) {
      ensureOpen();
      return memory.usage(budgetId, windowKey);
    },

    async claimOnce(claimKey, retainUntil, now) {
      ensureOpen();
      if (!(await memory.claimOnce(claimKey, retainUntil, now))) return false;
      try {
        statements.insertClaim.run(claimKey, retainUntil);
      } catch (error) {
        throw unavailable(error, database);
      }
      return true;
    },

    async close() {
      if (closed) return;
      if (timer !== undefined) clearTimeout(timer);
      try {
        await flush();
      } finally {
        closed = true;
        if (options.closeDatabase === true && database.open) database.close();
      }
    },
  };
}

function unavailable(error: unknown, database: BetterSqlite3.Database): TollgateError {
  const reason = error instanceof Error ? error.message : String(error);
  return new TollgateError({
    code: 'TG_ERR_STORE_UNAVAILABLE',
    message: `The budget counter database cannot be written${database.open ? '' : ' (it was closed)'}: ${reason}`,
    cause: error,
  });
}

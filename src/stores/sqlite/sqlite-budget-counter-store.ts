import type BetterSqlite3 from 'better-sqlite3';
import { TollgateError } from '../../core/errors.js';
import type { BucketAmount, BucketLimit, BucketUsage, BudgetCounterStore, ReserveResult, SettleOutcome } from '../budget-counter-store.js';
import { openSqliteDatabase, type OpenSqliteDatabaseOptions } from './open-sqlite-database.js';

export interface CreateSqliteBudgetCounterStoreOptions {
  /** An open database with every migration applied (see `openSqliteDatabase`), possibly shared with other stores. */
  readonly database: BetterSqlite3.Database;
  /** Close the database when the store closes (default false: whoever opened it closes it). */
  readonly closeDatabase?: boolean;
  /** How long a settled request id is remembered so a replayed reserve or settle is not counted twice (default 15 min). */
  readonly settledRetentionMs?: number;
}

export interface OpenSqliteBudgetCounterStoreOptions extends OpenSqliteDatabaseOptions {
  readonly settledRetentionMs?: number;
}

/** A live reservation's amounts as `budget_requests.amounts` holds them (JSON). */
type StoredAmount = readonly [budgetId: string, windowKey: string, amount: number];

/** A `budget_requests` row as settle reads it: `amounts` is JSON while reserved, NULL once settled. */
interface RequestRow {
  readonly state: 'reserved' | 'settled';
  readonly amounts: string | null;
}

/** When the earliest row of each kind falls due, so a sweep touches only what is due. */
interface SweepSchedule {
  reservations: number;
  settledMarkers: number;
  buckets: number;
  claims: number;
}

const DEFAULT_SETTLED_RETENTION_MS = 15 * 60_000;
const ACCEPTED: ReserveResult = Object.freeze({ ok: true, replayed: false });
const REPLAYED: ReserveResult = Object.freeze({ ok: true, replayed: true });
/** SQLite result codes meaning the file cannot be used right now, as opposed to a bad call. */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|NOTADB|CORRUPT|NOMEM)/;

function amountError(amount: number, what: string): RangeError | undefined {
  if (Number.isSafeInteger(amount) && amount >= 0) return undefined;
  return new RangeError(`${what} must be a non-negative safe integer, got ${amount}`);
}

/** Due times are INTEGER ms; a fractional one rounds up, so nothing lapses early. */
function storedTime(epochMs: number): number {
  return Math.ceil(epochMs);
}

function exactCounter(value: number, budgetId: string, windowKey: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`budget ${budgetId} window ${windowKey} holds ${value}, beyond exact integers (2^53)`);
  return value;
}

function unavailableOrSame(error: unknown, database: BetterSqlite3.Database): unknown {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (database.open && !UNAVAILABLE_CODES.test(code)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new TollgateError({ code: 'TG_ERR_STORE_UNAVAILABLE', message: `The budget counter database cannot be used: ${reason}`, cause: error });
}

/** Opens (creating if needed, migrating always) a SQLite budget counter store at a file path or `:memory:`. */
export function openSqliteBudgetCounterStore(options: OpenSqliteBudgetCounterStoreOptions): BudgetCounterStore {
  const database = openSqliteDatabase(options);
  try {
    return createSqliteBudgetCounterStore({ database, closeDatabase: true, settledRetentionMs: options.settledRetentionMs });
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * The embedded budget counter store, with the memory store's semantics, persisted in SQLite
 * (migration 0003) so a restart loses no spend. It can share one connection with the ledger.
 *
 * Each method is one synchronous `BEGIN IMMEDIATE` transaction over statements prepared once,
 * so check-and-reserve across buckets is atomic within the process and against other processes
 * opening the same file. Expired rows are swept lazily, like the memory store: only when `now`
 * reaches the earliest due time of a kind (read from the indexed expiry columns when built and
 * after each sweep), never by a scan per call.
 *
 * Reservations are rows, so they survive a restart. A process that crashes with reservations in
 * flight cannot release them: they keep holding capacity until their TTL, then lapse and free it
 * (the next store to open the file schedules its first sweep from them). When several processes
 * share the file, each sweeps on its own schedule, so another process's lapsed reservation may
 * be counted until this one's next sweep (at most one TTL after its own next reserve).
 *
 * SQLite errors meaning the file cannot be used (busy past the busy timeout, I/O, disk full,
 * read-only, corrupt) and a database closed underneath the store reject with
 * `TG_ERR_STORE_UNAVAILABLE`. How long a locked file makes a call wait is the connection's
 * `busyTimeoutMs`.
 */
export function createSqliteBudgetCounterStore(options: CreateSqliteBudgetCounterStoreOptions): BudgetCounterStore {
  const { database } = options;
  const settledRetentionMs = options.settledRetentionMs ?? DEFAULT_SETTLED_RETENTION_MS;
  if (!Number.isFinite(settledRetentionMs) || settledRetentionMs <= 0) {
    throw new RangeError(`settledRetentionMs must be a positive number, got ${settledRetentionMs}`);
  }

  const findRequest = database.prepare('SELECT 1 FROM budget_requests WHERE request_id = ?').pluck();
  const readUsed = database.prepare('SELECT spent + reserved FROM budget_buckets WHERE budget_id = ? AND window_key = ?').pluck();
  const readUsage = database.prepare('SELECT spent, reserved FROM budget_buckets WHERE budget_id = ? AND window_key = ?');
  // retain_until is left out of the upsert's SET so its index entry (and page) is untouched
  // unless the retention actually grows, which is rare: one window's buckets share one retention.
  const addToBucket = database
    .prepare(
      `INSERT INTO budget_buckets (budget_id, window_key, spent, reserved, retain_until) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (budget_id, window_key) DO UPDATE SET spent = spent + excluded.spent, reserved = reserved + excluded.reserved
       RETURNING retain_until`,
    )
    .pluck();
  const extendRetention = database.prepare('UPDATE budget_buckets SET retain_until = ? WHERE budget_id = ? AND window_key = ?');
  const subtractReserved = database.prepare('UPDATE budget_buckets SET reserved = reserved - ? WHERE budget_id = ? AND window_key = ?');
  const insertReservation = database.prepare("INSERT INTO budget_requests (request_id, state, amounts, expires_at) VALUES (?, 'reserved', ?, ?)");
  const findRecord = database.prepare('SELECT state, amounts FROM budget_requests WHERE request_id = ?');
  const markSettled = database.prepare(
    `INSERT INTO budget_requests (request_id, state, forget_at) VALUES (?, 'settled', ?)
     ON CONFLICT (request_id) DO UPDATE SET state = 'settled', amounts = NULL, expires_at = NULL, forget_at = excluded.forget_at`,
  );
  const deleteReservation = database.prepare("DELETE FROM budget_requests WHERE request_id = ? AND state = 'reserved' RETURNING amounts").pluck();
  // A claim past its retention still in the table (swept later, or left by another process) is free again.
  const insertClaim = database.prepare(
    `INSERT INTO budget_claims (claim_key, retain_until) VALUES (?, ?)
     ON CONFLICT (claim_key) DO UPDATE SET retain_until = excluded.retain_until WHERE budget_claims.retain_until <= ?`,
  );
  const deleteLapsedReservations = database.prepare('DELETE FROM budget_requests WHERE expires_at <= ? RETURNING amounts').pluck();
  const deleteForgottenMarkers = database.prepare('DELETE FROM budget_requests WHERE forget_at <= ?');
  const deleteStaleBuckets = database.prepare('DELETE FROM budget_buckets WHERE retain_until <= ?');
  const deleteStaleClaims = database.prepare('DELETE FROM budget_claims WHERE retain_until <= ?');
  const firstReservationExpiry = database.prepare('SELECT MIN(expires_at) FROM budget_requests WHERE expires_at IS NOT NULL').pluck();
  const firstMarkerForget = database.prepare('SELECT MIN(forget_at) FROM budget_requests WHERE forget_at IS NOT NULL').pluck();
  const firstBucketDrop = database.prepare('SELECT MIN(retain_until) FROM budget_buckets').pluck();
  const firstClaimDrop = database.prepare('SELECT MIN(retain_until) FROM budget_claims').pluck();

  const dueAt = (statement: BetterSqlite3.Statement): number => (statement.get() as number | null) ?? Number.POSITIVE_INFINITY;
  const schedule: SweepSchedule = {
    reservations: dueAt(firstReservationExpiry),
    settledMarkers: dueAt(firstMarkerForget),
    buckets: dueAt(firstBucketDrop),
    claims: dueAt(firstClaimDrop),
  };
  let closed = false;

  function sweep(now: number): void {
    if (now >= schedule.reservations) {
      for (const amounts of deleteLapsedReservations.all(now) as string[]) unreserve(amounts);
      schedule.reservations = dueAt(firstReservationExpiry);
    }
    if (now >= schedule.settledMarkers) {
      deleteForgottenMarkers.run(now);
      schedule.settledMarkers = dueAt(firstMarkerForget);
    }
    if (now >= schedule.buckets) {
      deleteStaleBuckets.run(now);
      schedule.buckets = dueAt(firstBucketDrop);
    }
    if (now >= schedule.claims) {
      deleteStaleClaims.run(now);
      schedule.claims = dueAt(firstClaimDrop);
    }
  }

  function count(amount: BucketAmount, spent: number, reserved: number): void {
    const retainUntil = storedTime(amount.retainUntil);
    const kept = addToBucket.get(amount.budgetId, amount.windowKey, spent, reserved, retainUntil) as number;
    if (kept < retainUntil) extendRetention.run(retainUntil, amount.budgetId, amount.windowKey);
    schedule.buckets = Math.min(schedule.buckets, Math.max(kept, retainUntil));
  }

  function unreserve(amountsJson: string): void {
    for (const [budgetId, windowKey, amount] of JSON.parse(amountsJson) as StoredAmount[]) subtractReserved.run(amount, budgetId, windowKey);
  }

  function usedIn(budgetId: string, windowKeys: readonly string[]): number {
    let used = 0;
    for (const windowKey of windowKeys) {
      const value = readUsed.get(budgetId, windowKey) as number | undefined;
      if (value !== undefined) used += exactCounter(value, budgetId, windowKey);
    }
    return used;
  }

  // Invalid input comes back as a value, not thrown, so the sweep already done still commits,
  // exactly as the memory store keeps its sweep when it rejects a call.
  const reserveTransaction = database.transaction(
    (requestId: string, amounts: readonly BucketAmount[], limits: readonly BucketLimit[], ttlMs: number, now: number): ReserveResult | RangeError => {
      sweep(now);
      if (findRequest.get(requestId) !== undefined) return REPLAYED;
      const requested = new Map<string, number>();
      for (const amount of amounts) {
        const invalid = amountError(amount.amount, `reserve amount for budget ${amount.budgetId}`);
        if (invalid !== undefined) return invalid;
        requested.set(amount.budgetId, (requested.get(amount.budgetId) ?? 0) + amount.amount);
      }
      const limitById = new Map(limits.map((limit) => [limit.budgetId, limit]));
      for (const [budgetId, total] of requested) {
        const limit = limitById.get(budgetId);
        if (limit === undefined) return new RangeError(`reserve has an amount for budget ${budgetId} but no limit`);
        const used = usedIn(budgetId, limit.windowKeys);
        if (used + total > limit.limit) return { ok: false, budgetId, remaining: limit.limit - used, resetAt: limit.resetAt };
      }
      for (const amount of amounts) count(amount, 0, amount.amount);
      const stored = amounts.map((amount): StoredAmount => [amount.budgetId, amount.windowKey, amount.amount]);
      const expiresAt = now + ttlMs;
      insertReservation.run(requestId, JSON.stringify(stored), storedTime(expiresAt));
      schedule.reservations = Math.min(schedule.reservations, expiresAt);
      return ACCEPTED;
    },
  );

  const settleTransaction = database.transaction((requestId: string, actual: readonly BucketAmount[], now: number): SettleOutcome => {
    sweep(now);
    const record = findRecord.get(requestId) as RequestRow | undefined;
    if (record?.state === 'settled') return 'already-settled';
    if (record?.amounts != null) unreserve(record.amounts);
    for (const amount of actual) count(amount, amount.amount, 0);
    const forgetAt = now + settledRetentionMs;
    markSettled.run(requestId, storedTime(forgetAt));
    schedule.settledMarkers = Math.min(schedule.settledMarkers, forgetAt);
    return record === undefined ? 'settled-without-reservation' : 'settled';
  });

  const releaseTransaction = database.transaction((requestId: string): boolean => {
    const reserved = deleteReservation.get(requestId) as string | undefined;
    if (reserved === undefined) return false;
    unreserve(reserved);
    return true;
  });

  const expireTransaction = database.transaction((now: number): void => sweep(now));

  const claimTransaction = database.transaction((claimKey: string, retainUntil: number, now: number): boolean => {
    sweep(now);
    if (insertClaim.run(claimKey, storedTime(retainUntil), now).changes === 0) return false;
    schedule.claims = Math.min(schedule.claims, retainUntil);
    return true;
  });

  /** Runs one call; if it fails, forgets schedule changes its rolled-back transaction made. */
  function run<T>(work: () => T): T {
    if (closed) throw new Error('sqlite budget counter store is closed');
    const saved = { ...schedule };
    try {
      return work();
    } catch (error) {
      Object.assign(schedule, saved);
      throw unavailableOrSame(error, database);
    }
  }

  return {
    async reserve(requestId: string, amounts: readonly BucketAmount[], limits: readonly BucketLimit[], ttlMs: number, now: number): Promise<ReserveResult> {
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
      const result = run(() => reserveTransaction.immediate(requestId, amounts, limits, ttlMs, now));
      if (result instanceof RangeError) throw result;
      return result;
    },

    async settle(requestId: string, actual: readonly BucketAmount[], now: number): Promise<SettleOutcome> {
      for (const amount of actual) {
        const invalid = amountError(amount.amount, `settle amount for budget ${amount.budgetId}`);
        if (invalid !== undefined) throw invalid;
      }
      return run(() => settleTransaction.immediate(requestId, actual, now));
    },

    async release(requestId: string): Promise<boolean> {
      return run(() => releaseTransaction.immediate(requestId));
    },

    async expire(now: number): Promise<void> {
      run(() => expireTransaction.immediate(now));
    },

    async usage(budgetId: string, windowKey: string): Promise<BucketUsage> {
      // One statement is its own transaction.
      const row = run(() => readUsage.get(budgetId, windowKey) as BucketUsage | undefined);
      if (row === undefined) return { spent: 0, reserved: 0 };
      return { spent: exactCounter(row.spent, budgetId, windowKey), reserved: exactCounter(row.reserved, budgetId, windowKey) };
    },

    async claimOnce(claimKey: string, retainUntil: number, now: number): Promise<boolean> {
      return run(() => claimTransaction.immediate(claimKey, retainUntil, now));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (options.closeDatabase === true) database.close();
    },
  };
}

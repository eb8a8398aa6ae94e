import type pg from 'pg';
import { systemClock, type Clock } from '../../core/clock.js';
import type { LedgerEntry } from '../../core/ledger-entry.js';
import type { LedgerEvent } from '../../core/ledger-event.js';
import { resolveLedgerEventQuery, resolveLedgerListQuery, resolveReportQuery } from '../ledger-query.js';
import type { LedgerEventQuery, LedgerListQuery, LedgerReport, LedgerStore, ReportQuery } from '../ledger-store.js';
import { validateLedgerEntry } from '../validate-ledger-entry.js';
import { validateLedgerEvent } from '../validate-ledger-event.js';
import { openPostgresPool, type OpenPostgresPoolOptions } from './open-postgres-pool.js';
import { insertPostgresLedgerEvents, selectPostgresLedgerEvents } from './postgres-ledger-events.js';
import { readPostgresLedgerReport } from './postgres-ledger-report.js';
import { insertLedgerRowsSql, ledgerEntriesToColumnArrays, ledgerRowToEntry, postgresLedgerColumns, type PostgresLedgerRow } from './postgres-ledger-row.js';
import { applyPostgresMigrations } from './postgres-migrations.js';
import { timestampWindow, whereClause, windowConditions } from './postgres-timestamp-window.js';

export interface OpenPostgresLedgerStoreOptions extends OpenPostgresPoolOptions {
  /** Stamps `tollgate_migrations.applied_at`. */
  readonly clock?: Clock;
}

export interface CreatePostgresLedgerStoreOptions {
  /** A pool from `openPostgresPool` whose schema is migrated (`applyPostgresMigrations`). */
  readonly pool: pg.Pool;
  /** End the pool when the store closes (true when the store opened it; default false). */
  readonly closePool?: boolean;
}

/** Opens a pool (creating the schema if given and missing), migrates it, and returns a ledger store that ends the pool on close. */
export async function openPostgresLedgerStore(options: OpenPostgresLedgerStoreOptions): Promise<LedgerStore> {
  const pool = await openPostgresPool(options);
  try {
    await applyPostgresMigrations(pool, options.clock ?? systemClock);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return createPostgresLedgerStore({ pool, closePool: true });
}

/**
 * A ledger store over a migrated pool, so several stores can share one pool. Rows and events are
 * only ever inserted: each `append` and `appendEvents` is a single INSERT … ON CONFLICT DO NOTHING
 * statement (atomic, whatever its size), never an UPDATE. A report reads one snapshot.
 */
export function createPostgresLedgerStore(options: CreatePostgresLedgerStoreOptions): LedgerStore {
  const { pool } = options;
  const selectColumns = postgresLedgerColumns.join(', ');
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error('postgres ledger store is closed');
  };

  return {
    async append(entries: readonly LedgerEntry[]): Promise<void> {
      ensureOpen();
      for (const entry of entries) validateLedgerEntry(entry);
      const rows = firstOfEachKeyInKeyOrder(entries);
      if (rows.length === 0) return;
      await pool.query({ name: 'tollgate-ledger-insert', text: insertLedgerRowsSql, values: ledgerEntriesToColumnArrays(rows) });
    },

    async list(query: LedgerListQuery): Promise<LedgerEntry[]> {
      ensureOpen();
      const resolved = resolveLedgerListQuery(query);
      const values: unknown[] = [];
      const conditions = windowConditions(timestampWindow(resolved), values);
      if (resolved.requestId !== null) conditions.push(`request_id = $${values.push(resolved.requestId)}`);
      const limit = resolved.limit === null ? '' : `LIMIT $${values.push(resolved.limit)}`;
      const result = await pool.query<PostgresLedgerRow>(
        `SELECT ${selectColumns} FROM ledger ${whereClause(conditions)} ORDER BY timestamp, request_id, attempt ${limit}`,
        values,
      );
      return result.rows.map(ledgerRowToEntry);
    },

    async report(query: ReportQuery): Promise<LedgerReport> {
      ensureOpen();
      return readPostgresLedgerReport(pool, resolveReportQuery(query));
    },

    async appendEvents(events: readonly LedgerEvent[]): Promise<void> {
      ensureOpen();
      for (const event of events) validateLedgerEvent(event);
      await insertPostgresLedgerEvents(pool, events);
    },

    async listEvents(query: LedgerEventQuery): Promise<LedgerEvent[]> {
      ensureOpen();
      return selectPostgresLedgerEvents(pool, resolveLedgerEventQuery(query));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (options.closePool === true) await pool.end();
    },
  };
}

/**
 * The batch without repeated keys (the first of each wins, as the contract asks, rather than
 * whichever row the INSERT happens to meet first), sorted by key: concurrent appends then take
 * their index locks in one order and cannot deadlock on each other.
 */
function firstOfEachKeyInKeyOrder(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const firsts = new Map<string, LedgerEntry>();
  for (const entry of entries) {
    const key = `${entry.attempt}\u0000${entry.requestId}`;
    if (!firsts.has(key)) firsts.set(key, entry);
  }
  return [...firsts.values()].sort((left, right) =>
    left.requestId < right.requestId ? -1 : left.requestId > right.requestId ? 1 : left.attempt - right.attempt,
  );
}

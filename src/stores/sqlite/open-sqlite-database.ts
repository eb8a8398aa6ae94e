import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../core/clock.js';
import { applySqliteMigrations } from './sqlite-migrations.js';

export interface OpenSqliteDatabaseOptions {
  /** A file path (its directory is created) or `:memory:`. */
  readonly path: string;
  /** How long a write waits for another connection's lock before failing (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Stamps `schema_migrations.applied_at`. */
  readonly clock?: Clock;
}

/**
 * Opens Tollgate's SQLite database: WAL journal (readers never block the writer),
 * `synchronous=NORMAL` (durable across process crashes; an OS crash may lose the last
 * transactions but never corrupts), a busy timeout, and every migration applied.
 */
export function openSqliteDatabase(options: OpenSqliteDatabaseOptions): Database.Database {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
  }
  const inMemory = options.path === ':memory:' || options.path === '';
  if (!inMemory) mkdirSync(dirname(options.path), { recursive: true });
  const database = new Database(options.path, { timeout: busyTimeoutMs });
  try {
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!inMemory) database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    applySqliteMigrations(database, options.clock ?? systemClock);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

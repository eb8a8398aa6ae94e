import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerEntry } from '../../core/ledger-entry.js';
import type { LedgerEvent } from '../../core/ledger-event.js';
import { resolveLedgerEventQuery, resolveLedgerListQuery, resolveReportQuery, type ResolvedLedgerListQuery } from '../ledger-query.js';
import type { LedgerEventQuery, LedgerListQuery, LedgerReport, LedgerStore, ReportQuery } from '../ledger-store.js';
import { validateLedgerEntry } from '../validate-ledger-entry.js';
import { validateLedgerEvent } from '../validate-ledger-event.js';
import { openSqliteDatabase, type OpenSqliteDatabaseOptions } from './open-sqlite-database.js';
import { createSqliteLedgerEvents, type SqliteLedgerEvents } from './sqlite-ledger-events.js';
import { createSqliteLedgerReport } from './sqlite-ledger-report.js';
import { ledgerColumns, ledgerEntryToRow, ledgerRowToEntry, type SqliteLedgerRow } from './sqlite-ledger-row.js';

export type OpenSqliteLedgerStoreOptions = OpenSqliteDatabaseOptions;

/** Rows per multi-row INSERT (34 columns × 32 rows stays far below SQLite's parameter limit). */
const insertChunkRows = 32;

function pushRowValues(values: unknown[], row: SqliteLedgerRow): void {
  for (const column of ledgerColumns) values.push(row[column]);
}

export interface CreateSqliteLedgerStoreOptions {
  /** Close the database when the store closes (true when the store opened it). */
  readonly closeDatabase: boolean;
}

/** Opens (creating if needed, migrating always) a SQLite ledger at a file path or `:memory:`. */
export function openSqliteLedgerStore(options: OpenSqliteLedgerStoreOptions): LedgerStore {
  return createSqliteLedgerStore(openSqliteDatabase(options), { closeDatabase: true });
}

/**
 * A ledger store over an open, migrated database (see `openSqliteDatabase`), so several stores
 * can share one connection. better-sqlite3 is synchronous: each call runs to completion on the
 * calling thread, a batch is one transaction, and statements are prepared once.
 */
export function createSqliteLedgerStore(database: BetterSqlite3.Database, options: CreateSqliteLedgerStoreOptions): LedgerStore {
  // Positional parameters and multi-row INSERTs: binding by name and one statement per row
  // cost several times more CPU, and this runs on the gateway's event loop.
  const rowPlaceholders = `(${ledgerColumns.map(() => '?').join(', ')})`;
  const insertRows = (count: number) =>
    database.prepare(
      `INSERT INTO ledger (${ledgerColumns.join(', ')}) VALUES ${Array.from({ length: count }, () => rowPlaceholders).join(', ')}
       ON CONFLICT (request_id, attempt) DO NOTHING`,
    );
  const insertOne = insertRows(1);
  const insertChunk = insertRows(insertChunkRows);
  const insertBatch = database.transaction((rows: readonly SqliteLedgerRow[]) => {
    let index = 0;
    for (; index + insertChunkRows <= rows.length; index += insertChunkRows) {
      const values: unknown[] = [];
      for (let offset = 0; offset < insertChunkRows; offset++) pushRowValues(values, rows[index + offset] as SqliteLedgerRow);
      insertChunk.run(values);
    }
    for (; index < rows.length; index++) {
      const values: unknown[] = [];
      pushRowValues(values, rows[index] as SqliteLedgerRow);
      insertOne.run(values);
    }
  });
  const listStatements = new Map<string, BetterSqlite3.Statement>();
  const readReport = createSqliteLedgerReport(database);
  // Prepared on first use: a database migrated only up to the ledger (see the key store's
  // upgrade test) still serves rows.
  let ledgerEvents: SqliteLedgerEvents | undefined;
  const events = (): SqliteLedgerEvents => (ledgerEvents ??= createSqliteLedgerEvents(database));
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error('sqlite ledger store is closed');
  };

  const listStatement = (query: ResolvedLedgerListQuery): BetterSqlite3.Statement => {
    const conditions: string[] = [];
    if (query.since !== null) conditions.push('timestamp >= @since');
    if (query.until !== null) conditions.push('timestamp < @until');
    if (query.requestId !== null) conditions.push('request_id = @requestId');
    const cacheKey = `${conditions.join(' AND ')}|${query.limit !== null}`;
    let statement = listStatements.get(cacheKey);
    if (!statement) {
      statement = database.prepare(
        `SELECT ${ledgerColumns.join(', ')} FROM ledger
         ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY timestamp, request_id, attempt
         ${query.limit !== null ? 'LIMIT @limit' : ''}`,
      );
      listStatements.set(cacheKey, statement);
    }
    return statement;
  };

  return {
    async append(entries: readonly LedgerEntry[]): Promise<void> {
      ensureOpen();
      for (const entry of entries) validateLedgerEntry(entry);
      if (entries.length > 0) insertBatch(entries.map(ledgerEntryToRow));
    },

    async list(query: LedgerListQuery): Promise<LedgerEntry[]> {
      ensureOpen();
      const resolved = resolveLedgerListQuery(query);
      const parameters: Record<string, string | number> = {};
      if (resolved.since !== null) parameters['since'] = resolved.since;
      if (resolved.until !== null) parameters['until'] = resolved.until;
      if (resolved.requestId !== null) parameters['requestId'] = resolved.requestId;
      if (resolved.limit !== null) parameters['limit'] = resolved.limit;
      const rows = listStatement(resolved).all(parameters) as SqliteLedgerRow[];
      return rows.map(ledgerRowToEntry);
    },

    async report(query: ReportQuery): Promise<LedgerReport> {
      ensureOpen();
      return readReport(resolveReportQuery(query));
    },

    async appendEvents(batch: readonly LedgerEvent[]): Promise<void> {
      ensureOpen();
      for (const event of batch) validateLedgerEvent(event);
      events().append(batch);
    },

    async listEvents(query: LedgerEventQuery): Promise<LedgerEvent[]> {
      ensureOpen();
      const resolved = resolveLedgerEventQuery(query);
      return events().list(resolved);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (options.closeDatabase) database.close();
    },
  };
}

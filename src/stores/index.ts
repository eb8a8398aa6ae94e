export type { LedgerStore, LedgerListQuery, LedgerEventQuery, ReportQuery, ReportTotals, ReportGroup, ReportRequest, LedgerReport } from './ledger-store.js';
export {
  defaultLedgerEventLimit,
  defaultReportTop,
  maxLedgerEventLimit,
  resolveLedgerEventQuery,
  resolveLedgerListQuery,
  resolveReportQuery,
} from './ledger-query.js';
export type { ResolvedLedgerEventQuery, ResolvedLedgerListQuery, ResolvedReportQuery } from './ledger-query.js';
export { validateLedgerEntry } from './validate-ledger-entry.js';
export { validateLedgerEvent } from './validate-ledger-event.js';
export { createLedgerWriter, defaultLedgerWriterTimers } from './ledger-writer.js';
export type { LedgerWriter, LedgerWriterOptions, LedgerWriterRetryOptions, LedgerWriterStats, LedgerWriterTimers } from './ledger-writer.js';
export { createMemoryLedgerStore } from './memory/memory-ledger-store.js';
export { openSqliteDatabase } from './sqlite/open-sqlite-database.js';
export type { OpenSqliteDatabaseOptions } from './sqlite/open-sqlite-database.js';
export { applySqliteMigrations, sqliteMigrations } from './sqlite/sqlite-migrations.js';
export type { SqliteMigration } from './sqlite/sqlite-migrations.js';
export { createSqliteLedgerStore, openSqliteLedgerStore } from './sqlite/sqlite-ledger-store.js';
export type { CreateSqliteLedgerStoreOptions, OpenSqliteLedgerStoreOptions } from './sqlite/sqlite-ledger-store.js';

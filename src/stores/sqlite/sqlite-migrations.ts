import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../../core/clock.js';
import { ledgerMigration } from './migrations/0001-ledger.js';
import { virtualKeysMigration } from './migrations/0002-virtual-keys.js';
import { budgetCountersMigration } from './migrations/0003-budget-counters.js';
import { ledgerEventsMigration } from './migrations/0004-ledger-events.js';
import { responseCacheMigration } from './migrations/0005-response-cache.js';

/** One schema step. Append-only: never edit a released migration, add the next number. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. New stores add theirs at the end. */
export const sqliteMigrations: readonly SqliteMigration[] = [
  ledgerMigration,
  virtualKeysMigration,
  budgetCountersMigration,
  ledgerEventsMigration,
  responseCacheMigration,
];

/**
 * Brings the database up to the newest migration, each step in its own immediate transaction
 * (so two processes opening one file cannot both apply it). Refuses a database written by a
 * newer Tollgate rather than guessing at its schema. Returns the versions it applied.
 */
export function applySqliteMigrations(
  database: BetterSqlite3.Database,
  clock: Clock,
  migrations: readonly SqliteMigration[] = sqliteMigrations,
): number[] {
  assertOrdered(migrations);
  database.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  const currentVersion = database.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck();
  const recordVersion = database.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const newest = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  for (const migration of migrations) {
    database
      .transaction(() => {
        const current = currentVersion.get() as number;
        if (current > newest) {
          throw new Error(`database schema version ${current} is newer than this Tollgate knows (${newest}); upgrade Tollgate`);
        }
        if (current >= migration.version) return;
        database.exec(migration.sql);
        recordVersion.run(migration.version, migration.name, Math.trunc(clock.now()));
        applied.push(migration.version);
      })
      .immediate();
  }
  return applied;
}

function assertOrdered(migrations: readonly SqliteMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}

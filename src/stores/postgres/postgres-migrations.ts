import type pg from 'pg';
import type { Clock } from '../../core/clock.js';
import { postgresLedgerMigration } from './migrations/0001-ledger.js';
import { postgresVirtualKeysMigration } from './migrations/0002-virtual-keys.js';
import { postgresLedgerEventsMigration } from './migrations/0003-ledger-events.js';
import { withPostgresTransaction } from './with-postgres-transaction.js';

/** One schema step. Append-only: never edit a released migration, add the next number. */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. New stores add theirs at the end. */
export const postgresMigrations: readonly PostgresMigration[] = [
  postgresLedgerMigration,
  postgresVirtualKeysMigration,
  postgresLedgerEventsMigration,
];

/**
 * Advisory lock key held while migrating. One key for the whole database, so migrations of
 * different schemas in one database also take turns; they run once per boot and are short.
 */
export const migrationLockKey = '7310593858020320002';

/**
 * Brings the pool's schema (its `search_path`) up to the newest migration in one transaction
 * under `pg_advisory_xact_lock`, recording each step in `tollgate_migrations`. Replicas booting
 * together queue on the lock: the first applies every pending step, the others find nothing to
 * do. PostgreSQL DDL is transactional, so a failing step leaves the schema as it was. Refuses a
 * schema written by a newer Tollgate rather than guessing at it. Returns the versions it applied.
 */
export async function applyPostgresMigrations(
  pool: pg.Pool,
  clock: Clock,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<number[]> {
  assertOrdered(migrations);
  const newest = migrations.at(-1)?.version ?? 0;
  return withPostgresTransaction(pool, 'BEGIN', async (client) => {
    await client.query('SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)', [migrationLockKey]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS tollgate_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
    );
    const result = await client.query<{ current: number }>('SELECT COALESCE(MAX(version), 0) AS current FROM tollgate_migrations');
    const current = result.rows[0]?.current ?? 0;
    if (current > newest) {
      throw new Error(`database schema version ${current} is newer than this Tollgate knows (${newest}); upgrade Tollgate`);
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO tollgate_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Math.trunc(clock.now()),
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

function assertOrdered(migrations: readonly PostgresMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}

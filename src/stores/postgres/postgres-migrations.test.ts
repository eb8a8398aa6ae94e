import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { openPostgresPool } from './open-postgres-pool.js';
import { applyPostgresMigrations, postgresMigrations, type PostgresMigration } from './postgres-migrations.js';
import { testPostgresSchema, type TestPostgresSchema } from './postgres-test-schema.js';

const fixedClock: Clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };

describe('applyPostgresMigrations', () => {
  let database: TestPostgresSchema;
  const pools: pg.Pool[] = [];
  const open = async (): Promise<pg.Pool> => {
    const pool = await openPostgresPool({ url: database.url, schema: database.schema, maxConnections: 2 });
    pools.push(pool);
    return pool;
  };

  beforeEach(() => {
    database = testPostgresSchema();
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
    await database.drop();
  });

  it('applies every migration once when three replicas boot at the same time', async () => {
    const replicas = await Promise.all([open(), open(), open()]);

    const applied = await Promise.all(replicas.map((pool) => applyPostgresMigrations(pool, fixedClock)));

    expect(applied.filter((versions) => versions.length > 0)).toEqual([[1, 2, 3]]);
    expect(applied.flat().sort()).toEqual([1, 2, 3]);
    const recorded = await replicas[0]!.query('SELECT version, name, applied_at FROM tollgate_migrations ORDER BY version');
    expect(recorded.rows).toEqual([
      { version: 1, name: 'ledger', applied_at: 1_750_000_000_000 },
      { version: 2, name: 'virtual-keys', applied_at: 1_750_000_000_000 },
      { version: 3, name: 'ledger-events', applied_at: 1_750_000_000_000 },
    ]);
  });

  it('applies only the steps a schema lacks, and nothing the second time', async () => {
    const pool = await open();
    expect(await applyPostgresMigrations(pool, fixedClock, postgresMigrations.slice(0, 1))).toEqual([1]);
    await pool.query(`INSERT INTO ledger (request_id, attempt, timestamp, endpoint, logical_model, provider_id, upstream_model, stream,
      price_unknown, cost_avoided_nanos, latency_ms, status) VALUES ('kept', 1, 0, '/', 'm', 'p', 'u', false, true, 0, 0, 'ok')`);

    expect(await applyPostgresMigrations(pool, fixedClock)).toEqual([2, 3]);
    expect(await applyPostgresMigrations(pool, fixedClock)).toEqual([]);
    expect((await pool.query('SELECT request_id FROM ledger')).rows).toEqual([{ request_id: 'kept' }]);
  });

  it('leaves the schema as it was when a step fails', async () => {
    const pool = await open();
    const broken: PostgresMigration = { version: postgresMigrations.length + 1, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function()' };

    await expect(applyPostgresMigrations(pool, fixedClock, [...postgresMigrations, broken])).rejects.toThrow(/no_such_function/);

    const tables = await pool.query(`SELECT to_regclass('ledger') AS ledger, to_regclass('half_done') AS half_done, to_regclass('tollgate_migrations') AS migrations`);
    expect(tables.rows).toEqual([{ ledger: null, half_done: null, migrations: null }]);
  });

  it('refuses a schema migrated by a newer version', async () => {
    const pool = await open();
    await applyPostgresMigrations(pool, fixedClock);
    await pool.query(`INSERT INTO tollgate_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)`);

    await expect(applyPostgresMigrations(pool, fixedClock)).rejects.toThrow(/newer/);
  });

  it('refuses migrations out of order', async () => {
    const pool = await open();
    await expect(applyPostgresMigrations(pool, fixedClock, [postgresMigrations[1]!])).rejects.toThrow(/expected 1/);
  });

  it('keeps schemas apart: each has its own tables and record', async () => {
    const other = testPostgresSchema();
    try {
      const first = await open();
      const second = await openPostgresPool({ url: other.url, schema: other.schema });
      pools.push(second);
      expect(await applyPostgresMigrations(first, fixedClock)).toEqual([1, 2, 3]);
      expect(await applyPostgresMigrations(second, fixedClock)).toEqual([1, 2, 3]);
      const where = await second.query<{ schema: string }>(`SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE oid = 'ledger'::regclass`);
      expect(where.rows).toEqual([{ schema: other.schema }]);
    } finally {
      await other.drop();
    }
  });
});

import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { makeLedgerEntry } from '../ledger-entry-fixture.js';
import { describeLedgerStoreContract } from '../ledger-store.contract.js';
import { openPostgresPool } from './open-postgres-pool.js';
import { createPostgresLedgerStore, openPostgresLedgerStore } from './postgres-ledger-store.js';
import { applyPostgresMigrations } from './postgres-migrations.js';
import { testPostgresSchema, type TestPostgresSchema } from './postgres-test-schema.js';

const fixedClock: Clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };

describeLedgerStoreContract('postgres', async () => {
  const database = testPostgresSchema();
  const store = await openPostgresLedgerStore({ url: database.url, schema: database.schema, clock: fixedClock });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
});

describe('postgres ledger store', () => {
  let database: TestPostgresSchema;
  let pool: pg.Pool;

  beforeEach(async () => {
    database = testPostgresSchema();
    pool = await openPostgresPool({ url: database.url, schema: database.schema });
    await applyPostgresMigrations(pool, fixedClock);
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  it('stores 5,000 rows appended in one batch once, when the same batch comes again', async () => {
    const store = createPostgresLedgerStore({ pool });
    const batch = Array.from({ length: 5_000 }, (_, index) =>
      makeLedgerEntry({ requestId: `request-${index}`, timestamp: 1_740_000_000_000 + index, costNanos: index, priceUnknown: false }),
    );

    await store.append(batch);
    await store.append(batch);

    const counted = await pool.query<{ rows: number; cost: string }>('SELECT COUNT(*) AS rows, SUM(cost_nanos) AS cost FROM ledger');
    expect(counted.rows[0]).toEqual({ rows: 5_000, cost: String((4_999 * 5_000) / 2) });
    expect(await store.list({ limit: 2 })).toEqual(batch.slice(0, 2));
    await store.close();
  });

  it('shares a pool without ending it when closePool is not set', async () => {
    const store = createPostgresLedgerStore({ pool });
    await store.append([makeLedgerEntry()]);
    await store.close();

    expect((await pool.query('SELECT COUNT(*) AS rows FROM ledger')).rows[0]).toEqual({ rows: 1 });
  });

  it('rounds fractional bounds to the same rows as a comparison with the exact value', async () => {
    const store = createPostgresLedgerStore({ pool });
    await store.append([1_000, 1_001, 1_002].map((timestamp) => makeLedgerEntry({ requestId: `at-${timestamp}`, timestamp })));
    const ids = async (since: number, until: number): Promise<string[]> =>
      (await store.list({ since, until })).map((entry) => entry.requestId);

    expect(await ids(1_000.5, 1_002)).toEqual(['at-1001']);
    expect(await ids(999.5, 1_001.5)).toEqual(['at-1000', 'at-1001']);
    expect(await ids(-1e300, 1e300)).toEqual(['at-1000', 'at-1001', 'at-1002']);
    expect((await store.report({ since: 1_000.5, until: 1e300 })).totals.attempts).toBe(2);
  });

  it('creates the ledger table with its primary key, byte-order keys and only the indexes the report uses', async () => {
    const primaryKey = await pool.query<{ column_name: string }>(
      `SELECT a.attname AS column_name FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
       WHERE i.indrelid = 'ledger'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    );
    expect(primaryKey.rows.map((row) => row.column_name)).toEqual(['request_id', 'attempt']);
    const indexes = await pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'ledger' AND schemaname = current_schema() ORDER BY indexname`,
    );
    expect(indexes.rows.map((row) => row.indexdef.replace(/ ON \S+ USING/, ' ON ledger USING'))).toEqual([
      'CREATE UNIQUE INDEX ledger_pkey ON ledger USING btree (request_id, attempt)',
      'CREATE INDEX ledger_timestamp ON ledger USING btree ("timestamp")',
    ]);
    const collations = await pool.query<{ column_name: string; collation_name: string | null }>(
      `SELECT column_name, collation_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'ledger' AND column_name IN ('request_id', 'logical_model', 'user_id', 'feature')
       ORDER BY column_name`,
    );
    expect(collations.rows.map((row) => row.collation_name)).toEqual(['C', 'C', 'C', 'C']);
  });

  it('creates the ledger_events table keyed by id, with a byte-order (timestamp, id) index', async () => {
    const indexes = await pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'ledger_events' AND schemaname = current_schema() ORDER BY indexname`,
    );
    expect(indexes.rows.map((row) => row.indexdef.replace(/ ON \S+ USING/, ' ON ledger_events USING'))).toEqual([
      'CREATE UNIQUE INDEX ledger_events_pkey ON ledger_events USING btree (id)',
      'CREATE INDEX ledger_events_timestamp_id ON ledger_events USING btree ("timestamp", id)',
    ]);
    const columns = await pool.query<{ column_name: string; data_type: string; collation_name: string | null }>(
      `SELECT column_name, data_type, collation_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'ledger_events' ORDER BY ordinal_position`,
    );
    expect(columns.rows.map((row) => [row.column_name, row.data_type, row.collation_name])).toEqual([
      ['id', 'text', 'C'],
      ['timestamp', 'bigint', null],
      ['kind', 'text', null],
      ['subject', 'text', null],
      ['details', 'text', null],
    ]);
  });

  it('keeps money columns as bigint', async () => {
    const types = await pool.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'ledger' AND column_name LIKE '%nanos' ORDER BY column_name`,
    );
    expect(types.rows).toEqual([
      { column_name: 'cost_avoided_nanos', data_type: 'bigint' },
      { column_name: 'cost_nanos', data_type: 'bigint' },
    ]);
  });
});

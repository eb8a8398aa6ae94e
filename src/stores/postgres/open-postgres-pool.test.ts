import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../core/logger.js';
import { assertSchemaName, openPostgresPool, parseSafeBigint } from './open-postgres-pool.js';
import { testPostgresSchema, testPostgresUrl, type TestPostgresSchema } from './postgres-test-schema.js';

describe('parseSafeBigint', () => {
  it('reads safe integers exactly and refuses the rest', () => {
    expect(parseSafeBigint('0')).toBe(0);
    expect(parseSafeBigint('-9007199254740991')).toBe(-9_007_199_254_740_991);
    expect(parseSafeBigint('9007199254740991')).toBe(9_007_199_254_740_991);
    expect(() => parseSafeBigint('9007199254740992')).toThrow(RangeError);
    expect(() => parseSafeBigint('-9223372036854775808')).toThrow(RangeError);
  });
});

describe('assertSchemaName', () => {
  it.each(['tollgate', 'Tollgate-Prod.v2', 'tg_test_0a1b', '1tenant', 'a'.repeat(63)])('accepts %s', (schema) => {
    expect(() => assertSchemaName(schema)).not.toThrow();
  });

  it.each(['', 'has space', 'quote"d', 'semi;colon', 'pg_catalog', 'PG_mine', 'a'.repeat(64), 'é'])('rejects %j', (schema) => {
    expect(() => assertSchemaName(schema)).toThrow(RangeError);
  });
});

describe('openPostgresPool', () => {
  let database: TestPostgresSchema;
  const pools: pg.Pool[] = [];

  beforeEach(() => {
    database = testPostgresSchema();
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
    await database.drop();
  });

  it('creates the schema once when three pools open it together, and puts every connection in it', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => openPostgresPool({ url: database.url, schema: database.schema })));
    pools.push(...opened);

    const clients = await Promise.all([opened[0]!.connect(), opened[0]!.connect()]);
    for (const client of clients) {
      expect((await client.query('SELECT current_schema() AS schema')).rows).toEqual([{ schema: database.schema }]);
      client.release();
    }
  });

  it('quotes a schema name with capitals, "-" and "."', async () => {
    const schema = `Tg-Test.${database.schema}`;
    try {
      const pool = await openPostgresPool({ url: database.url, schema });
      pools.push(pool);
      expect((await pool.query('SELECT current_schema() AS schema')).rows).toEqual([{ schema }]);
    } finally {
      const admin = new pg.Client({ connectionString: testPostgresUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it('keeps options the URL carries', async () => {
    const pool = await openPostgresPool({ url: `${database.url}?options=-c%20statement_timeout%3D1234`, schema: database.schema });
    pools.push(pool);

    const settings = await pool.query(`SELECT current_setting('statement_timeout') AS timeout, current_schema() AS schema`);
    expect(settings.rows).toEqual([{ timeout: '1234ms', schema: database.schema }]);
  });

  it('reads bigint as exact numbers and rejects a query whose bigint a number cannot hold', async () => {
    const pool = await openPostgresPool({ url: database.url, maxConnections: 1 });
    pools.push(pool);

    expect((await pool.query(`SELECT 9007199254740991::bigint AS value, 7::int AS small`)).rows).toEqual([{ value: 9_007_199_254_740_991, small: 7 }]);
    await expect(pool.query('SELECT 9007199254740992::bigint AS value')).rejects.toThrow(RangeError);
    expect((await pool.query('SELECT 1::bigint AS value')).rows).toEqual([{ value: 1 }]);
    // Only this pool's parser: a plain client still reads bigint as text.
    const plain = new pg.Client({ connectionString: testPostgresUrl });
    await plain.connect();
    expect((await plain.query('SELECT 1::bigint AS value')).rows).toEqual([{ value: '1' }]);
    await plain.end();
  });

  it('logs an idle connection that dies instead of crashing, and carries on', async () => {
    const errors: string[] = [];
    const logger: Logger = { info() {}, warn() {}, error: (message) => errors.push(message) };
    const pool = await openPostgresPool({ url: database.url, schema: database.schema, logger });
    pools.push(pool);
    const backend = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    const killer = new pg.Client({ connectionString: testPostgresUrl });
    await killer.connect();
    await killer.query('SELECT pg_terminate_backend($1)', [backend]);
    await killer.end();
    await waitFor(() => errors.length > 0);

    expect(errors[0]).toMatch(/idle connection failed/);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('puts connections in the schema even when the URL sets another search_path', async () => {
    const pool = await openPostgresPool({ url: `${database.url}?options=-c%20search_path%3Dpublic`, schema: database.schema });
    pools.push(pool);

    expect((await pool.query('SELECT current_schema() AS schema')).rows).toEqual([{ schema: database.schema }]);
  });

  it('rejects bad options before connecting', async () => {
    await expect(openPostgresPool({ url: database.url, schema: 'bad name' })).rejects.toThrow(RangeError);
    await expect(openPostgresPool({ url: database.url, maxConnections: 0 })).rejects.toThrow(RangeError);
    await expect(openPostgresPool({ url: database.url, connectTimeoutMs: 1.5 })).rejects.toThrow(RangeError);
  });

  it('fails promptly and ends the pool when the server cannot be reached', async () => {
    await expect(openPostgresPool({ url: 'postgres://postgres@127.0.0.1:1/test', schema: database.schema, connectTimeoutMs: 500 })).rejects.toThrow();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

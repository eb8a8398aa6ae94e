import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { quoteSchema } from './open-postgres-pool.js';

/** The database the PostgreSQL tests use: a local server with trust auth and a `test` database. */
export const testPostgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgresSchema {
  readonly url: string;
  /** A fresh name, `tg_test_<random>`; the schema itself is created by whoever opens it. */
  readonly schema: string;
  /** Drops the schema and everything in it (safe if it was never created). */
  drop(): Promise<void>;
}

/** A unique schema name in the test database, so test files and runs never share tables. */
export function testPostgresSchema(): TestPostgresSchema {
  const schema = `tg_test_${randomBytes(6).toString('hex')}`;
  return {
    url: testPostgresUrl,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: testPostgresUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

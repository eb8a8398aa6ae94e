import pg from 'pg';
import { silentLogger, type Logger } from '../../core/logger.js';
import { withPostgresTransaction } from './with-postgres-transaction.js';

export interface OpenPostgresPoolOptions {
  /** A `postgres://` connection URL. */
  readonly url: string;
  /**
   * The schema Tollgate's tables live in: created if missing and made the only entry of every
   * connection's `search_path`. Absent: the server's default `search_path` (usually `public`).
   */
  readonly schema?: string;
  /** Most connections the pool opens (default 10, as `pg`). */
  readonly maxConnections?: number;
  /** How long acquiring a new connection may take before the call fails (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Told about errors on idle connections, which the pool then discards. */
  readonly logger?: Logger;
}

/** Letters, digits, `_`, `.` and `-` (as the config's schema field), at most 63 bytes, not `pg_…`. */
const schemaPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/** Advisory lock key under which schemas are created, so replicas booting together do not race. */
export const createSchemaLockKey = '7310593858020320001';

const int8Oid = pg.types.builtins.INT8;

/**
 * Reads a `bigint` column as a JS number, refusing any value a number cannot hold exactly.
 * Tollgate's integers (nano-dollars, tokens, ms timestamps) are safe integers by validation, so
 * this throws only on sums beyond 2^53; `pg` then rejects the query with this error.
 */
export function parseSafeBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`PostgreSQL bigint ${text} is beyond 2^53 and cannot be read exactly as a number`);
  }
  return value;
}

/** Type parsers for this pool only: `pg`'s defaults, with `bigint` read by `parseSafeBigint`. */
const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid && (format ?? 'text') === 'text' ? parseSafeBigint : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A schema name in double quotes, for SQL and for `search_path`; checked by `assertSchemaName` first. */
export function quoteSchema(schema: string): string {
  return `"${schema}"`;
}

export function assertSchemaName(schema: string): void {
  if (!schemaPattern.test(schema) || Buffer.byteLength(schema) > 63 || schema.toLowerCase().startsWith('pg_')) {
    throw new RangeError(
      `postgres schema must be 1-63 letters, digits, "_", "." or "-" and must not start with "pg_", got ${JSON.stringify(schema)}`,
    );
  }
}

/**
 * Opens a `pg` pool for Tollgate's stores: `bigint` read as exact JS numbers (per pool, not
 * globally), every connection's `search_path` set to `schema` at connection start (no extra
 * round trip), the schema created if missing, and an `error` listener so a dropped idle
 * connection is logged rather than crashing the process. Migrations are separate
 * (`applyPostgresMigrations`). The caller ends the pool.
 */
export async function openPostgresPool(options: OpenPostgresPoolOptions): Promise<pg.Pool> {
  const maxConnections = options.maxConnections ?? 10;
  if (!Number.isSafeInteger(maxConnections) || maxConnections < 1) {
    throw new RangeError(`maxConnections must be a positive integer, got ${maxConnections}`);
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  if (!Number.isSafeInteger(connectTimeoutMs) || connectTimeoutMs < 1) {
    throw new RangeError(`connectTimeoutMs must be a positive integer, got ${connectTimeoutMs}`);
  }
  if (options.schema !== undefined) assertSchemaName(options.schema);
  const logger = options.logger ?? silentLogger;

  const pool = new pg.Pool({
    ...connectionSettings(options.url, options.schema),
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    fallback_application_name: 'tollgate',
    types: postgresTypes,
  });
  pool.on('error', function onIdleConnectionError(error: Error) {
    logger.error('postgres idle connection failed; the pool drops it and opens another when needed', { error: error.message });
  });

  try {
    if (options.schema !== undefined) {
      await ensureSchema(pool, options.schema);
      await verifySchema(pool, options.schema);
    }
    return pool;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * Where the pool connects and with which startup options: `-c search_path=…` for the schema.
 * `pg` lets parameters in the URL override the pool's own, so when the URL carries `options`
 * the search path is added to them inside the URL.
 */
function connectionSettings(url: string, schema: string | undefined): { connectionString: string; options?: string } {
  if (schema === undefined) return { connectionString: url };
  const searchPath = `-c search_path=${quoteSchema(schema)}`;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // Not a WHATWG URL; pg parses it its own way, and `verifySchema` catches a lost search path.
  }
  const fromUrl = parsed?.searchParams.get('options') ?? null;
  if (parsed === null || fromUrl === null) return { connectionString: url, options: searchPath };
  parsed.searchParams.set('options', `${fromUrl} ${searchPath}`);
  return { connectionString: parsed.toString() };
}

/**
 * Creates the schema unless it exists. Checked first, so a role without CREATE on the database
 * can use a schema made for it; created under an advisory lock, because two concurrent
 * `CREATE SCHEMA IF NOT EXISTS` can still collide on the catalog's unique index.
 */
async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  const exists = await pool.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [schema]);
  if (exists.rowCount === 1) return;
  await withPostgresTransaction(pool, 'BEGIN', async (client) => {
    await client.query('SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)', [createSchemaLockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteSchema(schema)}`);
  });
}

/** Fails when connections do not land in the schema (e.g. the URL overrode `search_path`), before any table is written elsewhere. */
async function verifySchema(pool: pg.Pool, schema: string): Promise<void> {
  const result = await pool.query<{ schema: string | null }>('SELECT pg_catalog.current_schema() AS schema');
  const current = result.rows[0]?.schema ?? null;
  if (current !== schema) {
    throw new Error(`postgres connections use schema ${JSON.stringify(current)}, not ${JSON.stringify(schema)}; remove search_path from the URL's options`);
  }
}

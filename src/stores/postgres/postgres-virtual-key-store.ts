import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { systemClock, type Clock } from '../../core/clock.js';
import type { RandomBytes } from '../keys/key-secret.js';
import { assertRevocationTime, mintVirtualKey } from '../keys/mint-virtual-key.js';
import type { NewVirtualKey, VirtualKeyRecord } from '../keys/virtual-key.js';
import type { CreatedVirtualKey, VirtualKeyStore } from '../keys/virtual-key-store.js';
import { openPostgresPool, type OpenPostgresPoolOptions } from './open-postgres-pool.js';
import { applyPostgresMigrations } from './postgres-migrations.js';

export interface OpenPostgresVirtualKeyStoreOptions extends OpenPostgresPoolOptions {
  /** Stamps `createdAt` and `tollgate_migrations.applied_at`. */
  readonly clock?: Clock;
  /** Draws ids and secrets (default `node:crypto` `randomBytes`). */
  readonly random?: RandomBytes;
}

export interface CreatePostgresVirtualKeyStoreOptions {
  /** A pool from `openPostgresPool` whose schema is migrated (`applyPostgresMigrations`). */
  readonly pool: pg.Pool;
  /** End the pool when the store closes (true when the store opened it; default false). */
  readonly closePool?: boolean;
  /** Stamps `createdAt`. */
  readonly clock?: Clock;
  readonly random?: RandomBytes;
}

/** A `virtual_keys` row as `pg` reads it (see migration 0002): `json` columns arrive parsed. */
interface PostgresVirtualKeyRow {
  readonly id: string;
  readonly hash: string;
  readonly prefix: string;
  readonly name: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user_id: string | null;
  readonly allowed_models: string[] | null;
  readonly tags: Record<string, string>;
  readonly expires_at: number | null;
  readonly created_at: number;
  readonly revoked_at: number | null;
  readonly budgets: unknown[];
  readonly rate_limits: unknown[];
}

const columns = [
  'id',
  'hash',
  'prefix',
  'name',
  'org',
  'team',
  'user_id',
  'allowed_models',
  'tags',
  'expires_at',
  'created_at',
  'revoked_at',
  'budgets',
  'rate_limits',
] as const satisfies readonly (keyof PostgresVirtualKeyRow)[];

const selectColumns = columns.join(', ');
const insertSql = `INSERT INTO virtual_keys (${selectColumns}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`;
/**
 * Stamps the time only on a key not yet revoked, so revoking again writes nothing and keeps the
 * first time; the outer SELECT (which sees the row as it was) tells whether the id exists.
 */
const revokeSql = `
  WITH revoked AS (UPDATE virtual_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id)
  SELECT EXISTS (SELECT 1 FROM virtual_keys WHERE id = $1) AS found`;

/** Opens a pool (creating the schema if given and missing), migrates it, and returns a key store that ends the pool on close. */
export async function openPostgresVirtualKeyStore(options: OpenPostgresVirtualKeyStoreOptions): Promise<VirtualKeyStore> {
  const pool = await openPostgresPool(options);
  try {
    await applyPostgresMigrations(pool, options.clock ?? systemClock);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return createPostgresVirtualKeyStore({
    pool,
    closePool: true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
}

/**
 * A virtual key store over a migrated pool, so it can share a pool with the ledger. Stores hashes
 * only; `findByHash` is one read of the unique index on `hash`. The one UPDATE is `revoke`, an
 * admin action, never on the request path.
 */
export function createPostgresVirtualKeyStore(options: CreatePostgresVirtualKeyStoreOptions): VirtualKeyStore {
  const { pool } = options;
  const minting = { clock: options.clock ?? systemClock, random: options.random ?? randomBytes };
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error('postgres virtual key store is closed');
  };
  const selectOne = async (column: 'id' | 'hash', value: string): Promise<VirtualKeyRecord | undefined> => {
    const result = await pool.query<PostgresVirtualKeyRow>({
      name: `tollgate-virtual-key-by-${column}`,
      text: `SELECT ${selectColumns} FROM virtual_keys WHERE ${column} = $1`,
      values: [value],
    });
    const row = result.rows[0];
    return row === undefined ? undefined : rowToRecord(row);
  };

  return {
    async create(key: NewVirtualKey): Promise<CreatedVirtualKey> {
      ensureOpen();
      const created = mintVirtualKey(key, minting);
      try {
        await pool.query(insertSql, recordToValues(created.record));
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new Error(`virtual key ${created.record.id} collides with a stored key's id or hash`, { cause: error });
        }
        throw error;
      }
      return created;
    },

    async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
      ensureOpen();
      return selectOne('hash', hash);
    },

    async get(id: string): Promise<VirtualKeyRecord | undefined> {
      ensureOpen();
      return selectOne('id', id);
    },

    async list(): Promise<VirtualKeyRecord[]> {
      ensureOpen();
      const result = await pool.query<PostgresVirtualKeyRow>(`SELECT ${selectColumns} FROM virtual_keys ORDER BY created_at, creation_order`);
      return result.rows.map(rowToRecord);
    },

    async revoke(id: string, at: number): Promise<boolean> {
      ensureOpen();
      assertRevocationTime(at);
      const result = await pool.query<{ found: boolean }>(revokeSql, [id, at]);
      return result.rows[0]?.found === true;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (options.closePool === true) await pool.end();
    },
  };
}

/** Parameters for `insertSql`, in `columns` order; JSON fields as JSON text for the `json` columns. */
function recordToValues(record: VirtualKeyRecord): unknown[] {
  return [
    record.id,
    record.hash,
    record.prefix,
    record.name,
    record.org,
    record.team,
    record.user,
    record.allowedModels === null ? null : JSON.stringify(record.allowedModels),
    JSON.stringify(record.tags),
    record.expiresAt,
    record.createdAt,
    record.revokedAt,
    JSON.stringify(record.budgets),
    JSON.stringify(record.rateLimits),
  ];
}

// Rows are written only from minted records, so the JSON columns hold the shapes typed here.
function rowToRecord(row: PostgresVirtualKeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    hash: row.hash,
    prefix: row.prefix,
    name: row.name,
    org: row.org,
    team: row.team,
    user: row.user_id,
    allowedModels: row.allowed_models,
    tags: row.tags,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    budgets: row.budgets,
    rateLimits: row.rate_limits,
  };
}

/** `unique_violation` on the id (primary key) or hash index. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}

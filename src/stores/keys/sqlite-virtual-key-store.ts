import { randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { systemClock, type Clock } from '../../core/clock.js';
import { openSqliteDatabase, type OpenSqliteDatabaseOptions } from '../sqlite/open-sqlite-database.js';
import type { RandomBytes } from './key-secret.js';
import { assertRevocationTime, mintVirtualKey } from './mint-virtual-key.js';
import type { NewVirtualKey, VirtualKeyRecord } from './virtual-key.js';
import type { CreatedVirtualKey, VirtualKeyStore } from './virtual-key-store.js';

export interface OpenSqliteVirtualKeyStoreOptions extends OpenSqliteDatabaseOptions {
  /** Draws ids and secrets (default `node:crypto` `randomBytes`). */
  readonly random?: RandomBytes;
}

export interface CreateSqliteVirtualKeyStoreOptions {
  /** Close the database when the store closes (true when the store opened it). */
  readonly closeDatabase: boolean;
  /** Stamps `createdAt`. */
  readonly clock?: Clock;
  readonly random?: RandomBytes;
}

/** A `virtual_keys` row as better-sqlite3 reads and writes it (see migration 0002). */
interface SqliteVirtualKeyRow {
  readonly id: string;
  readonly hash: string;
  readonly prefix: string;
  readonly name: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user_id: string | null;
  readonly allowed_models: string | null;
  readonly tags: string;
  readonly expires_at: number | null;
  readonly created_at: number;
  readonly revoked_at: number | null;
  readonly budgets: string;
  readonly rate_limits: string;
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
] as const satisfies readonly (keyof SqliteVirtualKeyRow)[];

/**
 * Opens (creating if needed, migrating always) a SQLite virtual key store at a file path or
 * `:memory:`. It may be the ledger's file: each store keeps to its own table.
 */
export function openSqliteVirtualKeyStore(options: OpenSqliteVirtualKeyStoreOptions): VirtualKeyStore {
  return createSqliteVirtualKeyStore(openSqliteDatabase(options), {
    closeDatabase: true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
}

/**
 * A virtual key store over an open, migrated database (see `openSqliteDatabase`), so it can
 * share a connection with the ledger. Statements are prepared once; `findByHash` is one read
 * of the unique index on `hash`.
 */
export function createSqliteVirtualKeyStore(database: BetterSqlite3.Database, options: CreateSqliteVirtualKeyStoreOptions): VirtualKeyStore {
  const minting = { clock: options.clock ?? systemClock, random: options.random ?? randomBytes };
  const selectColumns = columns.join(', ');
  const insert = database.prepare(`INSERT INTO virtual_keys (${selectColumns}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`);
  const selectByHash = database.prepare(`SELECT ${selectColumns} FROM virtual_keys WHERE hash = ?`);
  const selectById = database.prepare(`SELECT ${selectColumns} FROM virtual_keys WHERE id = ?`);
  const selectAll = database.prepare(`SELECT ${selectColumns} FROM virtual_keys ORDER BY created_at, rowid`);
  // COALESCE keeps the first revocation time, so revoking again changes nothing.
  const revokeById = database.prepare('UPDATE virtual_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?');
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error('sqlite virtual key store is closed');
  };

  return {
    async create(key: NewVirtualKey): Promise<CreatedVirtualKey> {
      ensureOpen();
      const created = mintVirtualKey(key, minting);
      try {
        insert.run(recordToRow(created.record));
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
      const row = selectByHash.get(hash) as SqliteVirtualKeyRow | undefined;
      return row === undefined ? undefined : rowToRecord(row);
    },

    async get(id: string): Promise<VirtualKeyRecord | undefined> {
      ensureOpen();
      const row = selectById.get(id) as SqliteVirtualKeyRow | undefined;
      return row === undefined ? undefined : rowToRecord(row);
    },

    async list(): Promise<VirtualKeyRecord[]> {
      ensureOpen();
      return (selectAll.all() as SqliteVirtualKeyRow[]).map(rowToRecord);
    },

    async revoke(id: string, at: number): Promise<boolean> {
      ensureOpen();
      assertRevocationTime(at);
      return revokeById.run(at, id).changes > 0;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (options.closeDatabase) database.close();
    },
  };
}

function recordToRow(record: VirtualKeyRecord): SqliteVirtualKeyRow {
  return {
    id: record.id,
    hash: record.hash,
    prefix: record.prefix,
    name: record.name,
    org: record.org,
    team: record.team,
    user_id: record.user,
    allowed_models: record.allowedModels === null ? null : JSON.stringify(record.allowedModels),
    tags: JSON.stringify(record.tags),
    expires_at: record.expiresAt,
    created_at: record.createdAt,
    revoked_at: record.revokedAt,
    budgets: JSON.stringify(record.budgets),
    rate_limits: JSON.stringify(record.rateLimits),
  };
}

// Rows are written only from minted records, so the JSON columns hold the shapes parsed here.
function rowToRecord(row: SqliteVirtualKeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    hash: row.hash,
    prefix: row.prefix,
    name: row.name,
    org: row.org,
    team: row.team,
    user: row.user_id,
    allowedModels: row.allowed_models === null ? null : (JSON.parse(row.allowed_models) as string[]),
    tags: JSON.parse(row.tags) as Record<string, string>,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    budgets: JSON.parse(row.budgets) as unknown[],
    rateLimits: JSON.parse(row.rate_limits) as unknown[],
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

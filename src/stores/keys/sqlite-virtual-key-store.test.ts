import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { makeLedgerEntry } from '../ledger-entry-fixture.js';
import { openSqliteDatabase } from '../sqlite/open-sqlite-database.js';
import { ledgerMigration } from '../sqlite/migrations/0001-ledger.js';
import { createSqliteLedgerStore, openSqliteLedgerStore } from '../sqlite/sqlite-ledger-store.js';
import { applySqliteMigrations } from '../sqlite/sqlite-migrations.js';
import { createSqliteVirtualKeyStore, openSqliteVirtualKeyStore } from './sqlite-virtual-key-store.js';
import { describeVirtualKeyStoreContract, expectNoSecretIn, fullNewKey } from './virtual-key-store.contract.js';

const fixedClock: Clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };

describeVirtualKeyStoreContract('sqlite file', async (options) => {
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-keys-'));
  const store = openSqliteVirtualKeyStore({ path: join(directory, 'nested', 'tollgate.db'), ...options });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

describeVirtualKeyStoreContract('sqlite :memory:', async (options) => {
  const store = openSqliteVirtualKeyStore({ path: ':memory:', ...options });
  return { store, cleanup: () => store.close() };
});

describe('sqlite virtual key store on disk', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-keys-'));
    path = join(directory, 'tollgate.db');
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes no part of the secret beyond its display prefix into the database file', async () => {
    const store = openSqliteVirtualKeyStore({ path, clock: fixedClock });
    const { record, secret } = await store.create(fullNewKey);
    await store.close();

    const inspector = new Database(path, { readonly: true });
    const rows = inspector.prepare('SELECT * FROM virtual_keys').all() as Record<string, unknown>[];
    inspector.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: record.id, hash: record.hash, prefix: secret.slice(3, 11), user_id: 'alice@example.com' });
    expectNoSecretIn(JSON.stringify(rows), secret);
  });

  it('keeps keys and revocations across close and reopen', async () => {
    const first = openSqliteVirtualKeyStore({ path, clock: fixedClock });
    const kept = await first.create(fullNewKey);
    const revoked = await first.create({ allowedModels: [], name: 'revoked' });
    await first.revoke(revoked.record.id, 1_760_000_000_000);
    await first.close();

    const second = openSqliteVirtualKeyStore({ path, clock: fixedClock });
    expect(await second.list()).toEqual([kept.record, { ...revoked.record, revokedAt: 1_760_000_000_000 }]);
    expect(await second.findByHash(kept.record.hash)).toEqual(kept.record);
    await second.close();

    const inspector = new Database(path, { readonly: true });
    expect(inspector.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'ledger' },
      { version: 2, name: 'virtual-keys' },
      { version: 3, name: 'budget-counters' },
      { version: 4, name: 'ledger-events' },
      { version: 5, name: 'response-cache' },
    ]);
    inspector.close();
  });

  it('upgrades a database that has only the ledger, keeping its rows', async () => {
    const database = new Database(path);
    expect(applySqliteMigrations(database, fixedClock, [ledgerMigration])).toEqual([1]);
    const entry = makeLedgerEntry();
    const ledger = createSqliteLedgerStore(database, { closeDatabase: true });
    await ledger.append([entry]);
    await ledger.close();

    const keys = openSqliteVirtualKeyStore({ path, clock: fixedClock });
    const { record } = await keys.create({ allowedModels: null });
    expect(await keys.list()).toEqual([record]);
    await keys.close();
    const reopened = openSqliteLedgerStore({ path, clock: fixedClock });
    expect(await reopened.list({})).toEqual([entry]);
    await reopened.close();
  });

  it('shares one database file with the ledger', async () => {
    const ledger = openSqliteLedgerStore({ path, clock: fixedClock });
    const keys = openSqliteVirtualKeyStore({ path, clock: fixedClock });
    const { record } = await keys.create({ allowedModels: null });
    const entry = makeLedgerEntry({ virtualKeyId: record.id });
    await ledger.append([entry]);

    expect(await ledger.list({})).toEqual([entry]);
    expect(await keys.get(record.id)).toEqual(record);
    await keys.close();
    await ledger.close();
  });

  it('creates a STRICT virtual_keys table with a unique hash and JSON checks', () => {
    const database = openSqliteDatabase({ path });
    const table = database.prepare("SELECT sql FROM sqlite_schema WHERE name = 'virtual_keys'").pluck().get() as string;
    expect(table).toMatch(/\)\s*STRICT\s*$/);
    const columns = (database.pragma('table_info(virtual_keys)') as { name: string; pk: number }[]).map((column) => [column.name, column.pk]);
    expect(columns).toEqual([
      ['id', 1],
      ['hash', 0],
      ['prefix', 0],
      ['name', 0],
      ['org', 0],
      ['team', 0],
      ['user_id', 0],
      ['allowed_models', 0],
      ['tags', 0],
      ['expires_at', 0],
      ['created_at', 0],
      ['revoked_at', 0],
      ['budgets', 0],
      ['rate_limits', 0],
    ]);
    const uniqueIndexes = (database.pragma('index_list(virtual_keys)') as { name: string; unique: number }[]).filter((index) => index.unique === 1);
    const uniqueColumns = uniqueIndexes.map((index) => (database.pragma(`index_info(${index.name})`) as { name: string }[]).map((column) => column.name));
    expect(uniqueColumns).toEqual(expect.arrayContaining([['hash'], ['id']]));

    const insert = database.prepare(
      `INSERT INTO virtual_keys (id, hash, prefix, tags, created_at, budgets, rate_limits, allowed_models) VALUES (?, ?, 'p', ?, 0, '[]', '[]', ?)`,
    );
    expect(() => insert.run('vk_a', 'h1', 'not json', null)).toThrow(/CHECK/);
    expect(() => insert.run('vk_b', 'h2', '{}', '"smart"')).toThrow(/CHECK/);
    insert.run('vk_c', 'h3', '{}', null);
    expect(() => insert.run('vk_d', 'h3', '{}', null)).toThrow(/UNIQUE/);
    database.close();
  });

  it('shares a connection without closing it when asked not to', async () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    const store = createSqliteVirtualKeyStore(database, { closeDatabase: false, clock: fixedClock });
    await store.create({ allowedModels: null });
    await store.close();

    expect(database.open).toBe(true);
    expect(database.prepare('SELECT COUNT(*) FROM virtual_keys').pluck().get()).toBe(1);
    database.close();
  });
});

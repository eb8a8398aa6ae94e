import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { makeLedgerEntry } from '../ledger-entry-fixture.js';
import { describeLedgerStoreContract } from '../ledger-store.contract.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { createSqliteLedgerStore, openSqliteLedgerStore } from './sqlite-ledger-store.js';

const fixedClock: Clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };

describeLedgerStoreContract('sqlite file', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-ledger-'));
  const store = openSqliteLedgerStore({ path: join(directory, 'nested', 'ledger.db'), clock: fixedClock });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

describeLedgerStoreContract('sqlite :memory:', async () => {
  const store = openSqliteLedgerStore({ path: ':memory:', clock: fixedClock });
  return { store, cleanup: () => store.close() };
});

describe('sqlite ledger store on disk', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-ledger-'));
    path = join(directory, 'deep', 'er', 'ledger.db');
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps rows across close and reopen, and migrates only once', async () => {
    const entry = makeLedgerEntry({ requestId: 'request-kept', costNanos: 42, priceUnknown: false });
    const first = openSqliteLedgerStore({ path, clock: fixedClock });
    await first.append([entry]);
    await first.close();

    const second = openSqliteLedgerStore({ path, clock: fixedClock });
    expect(await second.list({})).toEqual([entry]);
    expect((await second.report({})).totals.costNanos).toBe(42);
    await second.close();

    const inspector = new Database(path, { readonly: true });
    expect(inspector.prepare('SELECT version, name, applied_at FROM schema_migrations').all()).toEqual([
      { version: 1, name: 'ledger', applied_at: 1_750_000_000_000 },
      { version: 2, name: 'virtual-keys', applied_at: 1_750_000_000_000 },
      { version: 3, name: 'budget-counters', applied_at: 1_750_000_000_000 },
      { version: 4, name: 'ledger-events', applied_at: 1_750_000_000_000 },
      { version: 5, name: 'response-cache', applied_at: 1_750_000_000_000 },
    ]);
    inspector.close();
  });

  it('turns on WAL, synchronous=NORMAL and the busy timeout', () => {
    const database = openSqliteDatabase({ path, busyTimeoutMs: 1_234 });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('synchronous', { simple: true })).toBe(1);
    expect(database.pragma('busy_timeout', { simple: true })).toBe(1_234);
    database.close();

    const other = new Database(path, { readonly: true });
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
  });

  it('creates the ledger table with its primary key and indexes', () => {
    const database = openSqliteDatabase({ path });
    const primaryKey = (database.pragma('table_info(ledger)') as { name: string; pk: number }[])
      .filter((column) => column.pk > 0)
      .sort((left, right) => left.pk - right.pk)
      .map((column) => column.name);
    expect(primaryKey).toEqual(['request_id', 'attempt']);
    const indexes = (database.pragma('index_list(ledger)') as { name: string }[]).map((index) => index.name).sort();
    expect(indexes).toEqual(
      expect.arrayContaining(['ledger_feature_timestamp', 'ledger_logical_model_timestamp', 'ledger_timestamp', 'ledger_user_id_timestamp']),
    );
    database.close();
  });

  it('creates the strict ledger_events table, keyed by id, listed through its (timestamp, id) index', () => {
    const database = openSqliteDatabase({ path });
    const table = database.prepare(`SELECT strict FROM pragma_table_list WHERE name = 'ledger_events'`).get();
    expect(table).toEqual({ strict: 1 });
    const primaryKey = (database.pragma('table_info(ledger_events)') as { name: string; pk: number }[]).filter((column) => column.pk > 0);
    expect(primaryKey.map((column) => column.name)).toEqual(['id']);
    const indexColumns = (database.pragma('index_info(ledger_events_timestamp_id)') as { name: string }[]).map((column) => column.name);
    expect(indexColumns).toEqual(['timestamp', 'id']);
    const plan = database
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id, timestamp, kind, subject, details FROM ledger_events
         WHERE timestamp >= 0 AND kind = 'budget.threshold' ORDER BY timestamp DESC, id DESC LIMIT 100`,
      )
      .all() as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING (COVERING )?INDEX ledger_events_timestamp_id/);
    expect(plan.map((step) => step.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
    database.close();
  });

  it('refuses a database migrated by a newer version', () => {
    const database = openSqliteDatabase({ path });
    database.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    database.close();
    expect(() => openSqliteDatabase({ path })).toThrow(/newer/);
  });

  it('shares a connection without closing it when asked not to', async () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    const store = createSqliteLedgerStore(database, { closeDatabase: false });
    await store.append([makeLedgerEntry()]);
    await store.close();
    expect(database.open).toBe(true);
    expect(database.prepare('SELECT COUNT(*) FROM ledger').pluck().get()).toBe(1);
    database.close();
  });
});

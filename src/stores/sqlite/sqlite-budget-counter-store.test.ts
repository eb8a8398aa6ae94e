import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { makeLedgerEntry } from '../ledger-entry-fixture.js';
import type { BudgetCounterStore } from '../budget-counter-store.js';
import { amount, describeBudgetCounterStoreContract, FAR, limit, NOW, TTL } from '../budget-counter-store.contract.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { createSqliteBudgetCounterStore, openSqliteBudgetCounterStore } from './sqlite-budget-counter-store.js';
import { createSqliteLedgerStore } from './sqlite-ledger-store.js';

const fixedClock: Clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };

const contractStores: BudgetCounterStore[] = [];
const contractDirectories: string[] = [];
afterEach(async () => {
  for (const store of contractStores.splice(0)) await store.close();
  for (const directory of contractDirectories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describeBudgetCounterStoreContract('sqlite file store', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-budget-'));
  contractDirectories.push(directory);
  const store = openSqliteBudgetCounterStore({ path: join(directory, 'budget.db'), clock: fixedClock, flushIntervalMs: 0 });
  contractStores.push(store);
  return store;
});

describeBudgetCounterStoreContract('sqlite :memory: store', () => {
  const store = openSqliteBudgetCounterStore({ path: ':memory:', clock: fixedClock });
  contractStores.push(store);
  return store;
});

describe('sqlite budget counter store', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-budget-'));
    path = join(directory, 'nested', 'tollgate.db');
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function spentOnDisk(budgetId: string, windowKey = 'w1'): number | undefined {
    const inspector = new Database(path, { readonly: true });
    try {
      return inspector.prepare('SELECT spent FROM budget_buckets WHERE budget_id = ? AND window_key = ?').pluck().get(budgetId, windowKey) as number | undefined;
    } finally {
      inspector.close();
    }
  }

  it('keeps settled spend and claims across close and reopen; reservations end with their process', async () => {
    const first = openSqliteBudgetCounterStore({ path, clock: fixedClock });
    await first.reserve('done', [amount('a', 50)], [limit('a', 100)], TTL, NOW);
    await first.settle('done', [amount('a', 30)], NOW);
    expect(await first.reserve('live', [amount('a', 60)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: false });
    expect(await first.claimOnce('alert:a:0.5', FAR, NOW)).toBe(true);
    await first.close();

    const second = openSqliteBudgetCounterStore({ path, clock: fixedClock });
    expect(await second.usage('a', 'w1')).toEqual({ spent: 30, reserved: 0 });
    expect(await second.claimOnce('alert:a:0.5', FAR, NOW + 1)).toBe(false);
    expect(await second.reserve('next', [amount('a', 70)], [limit('a', 100)], TTL, NOW + 1)).toEqual({ ok: true, replayed: false });
    expect(await second.reserve('over', [amount('a', 1)], [limit('a', 100)], TTL, NOW + 1)).toMatchObject({ ok: false, remaining: 0 });
    await second.close();
  });

  it('writes settled spend behind, within the flush interval, as absolute figures', async () => {
    const store = openSqliteBudgetCounterStore({ path, clock: fixedClock, flushIntervalMs: 10 });
    for (let index = 0; index < 50; index += 1) await store.settle(`r${index}`, [amount('a', 3)], NOW);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(spentOnDisk('a')).toBe(150);
    await store.settle('late', [amount('a', 1)], NOW);
    await store.close();
    expect(spentOnDisk('a')).toBe(151);
  });

  it('shares one connection with the ledger, leaving it open when the store closes', async () => {
    const database = openSqliteDatabase({ path, clock: fixedClock });
    const ledger = createSqliteLedgerStore(database, { closeDatabase: false });
    const budgets = createSqliteBudgetCounterStore({ database });
    await budgets.settle('r1', [amount('a', 5)], NOW);
    await ledger.append([makeLedgerEntry({ requestId: 'r1' })]);
    await budgets.close();
    await budgets.close();
    expect(database.open).toBe(true);
    expect(await ledger.list({})).toHaveLength(1);
    expect(database.prepare('SELECT spent FROM budget_buckets').pluck().get()).toBe(5);
    await ledger.close();
    database.close();
  });

  it('adds its tables as migration 3', () => {
    const database = openSqliteDatabase({ path, clock: fixedClock });
    expect(database.prepare('SELECT name FROM schema_migrations WHERE version = 3').pluck().get()).toBe('budget-counters');
    const tables = database.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'budget_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['budget_buckets', 'budget_claims']);
    database.close();
  });

  it('drops persisted buckets and claims after their retention', async () => {
    const store = openSqliteBudgetCounterStore({ path, flushIntervalMs: 0 });
    await store.settle('r1', [amount('a', 1, 'w1', NOW + 1_000)], NOW);
    await store.claimOnce('c', NOW + 1_000, NOW);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spentOnDisk('a')).toBe(1);
    await store.expire(NOW + 1_000);
    await store.settle('r2', [amount('b', 1)], NOW + 1_000);
    await store.close();
    expect(spentOnDisk('a')).toBeUndefined();
    const reopened = openSqliteBudgetCounterStore({ path });
    expect(await reopened.claimOnce('c', NOW + 5_000, NOW + 1_000)).toBe(true);
    await reopened.close();
  });

  it('refuses calls once closed', async () => {
    const store = openSqliteBudgetCounterStore({ path: ':memory:' });
    await store.close();
    await expect(store.usage('a', 'w1')).rejects.toThrow(/closed/);
  });

  it('reports a failed write as TG_ERR_STORE_UNAVAILABLE and keeps the spend in memory', async () => {
    const database = openSqliteDatabase({ path, clock: fixedClock });
    const failures: unknown[] = [];
    const store = createSqliteBudgetCounterStore({ database, flushIntervalMs: 60_000, onFlushError: (error) => failures.push(error) });
    await store.settle('r1', [amount('a', 7)], NOW);
    database.close();
    await expect(store.close()).rejects.toMatchObject({ code: 'TG_ERR_STORE_UNAVAILABLE' });
    expect(failures).toHaveLength(1);
  });

  it('rejects fractional or negative amounts instead of counting them', async () => {
    const store = openSqliteBudgetCounterStore({ path: ':memory:' });
    await expect(store.settle('r1', [amount('a', 0.5)], NOW)).rejects.toThrow(RangeError);
    await expect(store.reserve('r2', [amount('a', -1)], [limit('a', 10)], TTL, NOW)).rejects.toThrow(RangeError);
    expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
    await store.close();
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import { makeLedgerEntry } from '../ledger-entry-fixture.js';
import type { BucketAmount, BucketLimit, BudgetCounterStore } from '../budget-counter-store.js';
import { describeBudgetCounterStoreContract } from '../budget-counter-store.contract.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { createSqliteBudgetCounterStore, openSqliteBudgetCounterStore } from './sqlite-budget-counter-store.js';
import { createSqliteLedgerStore } from './sqlite-ledger-store.js';

const fixedClock: Clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };
const NOW = Date.UTC(2025, 5, 15, 12);
const TTL = 60_000;
const FAR = NOW + 86_400_000;

function amount(budgetId: string, value: number, windowKey = 'w1', retainUntil = FAR): BucketAmount {
  return { budgetId, windowKey, amount: value, retainUntil };
}

function limit(budgetId: string, value: number, windowKeys: string[] = ['w1']): BucketLimit {
  return { budgetId, limit: value, windowKeys, resetAt: FAR };
}

const contractStores: BudgetCounterStore[] = [];
const contractDirectories: string[] = [];
afterEach(async () => {
  for (const store of contractStores.splice(0)) await store.close();
  for (const directory of contractDirectories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describeBudgetCounterStoreContract('sqlite file store', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-budget-'));
  contractDirectories.push(directory);
  const store = openSqliteBudgetCounterStore({ path: join(directory, 'budget.db'), clock: fixedClock });
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

  it('rejects a non-positive settled retention when built', () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    expect(() => createSqliteBudgetCounterStore({ database, settledRetentionMs: 0 })).toThrow(/settledRetentionMs/);
    database.close();
  });

  it('keeps spend, settled ids, live reservations and claims across close and reopen', async () => {
    const first = openSqliteBudgetCounterStore({ path, clock: fixedClock });
    await first.reserve('done', [amount('a', 50)], [limit('a', 100)], TTL, NOW);
    expect(await first.settle('done', [amount('a', 30)], NOW)).toBe('settled');
    expect(await first.reserve('live', [amount('a', 60)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: false });
    expect(await first.claimOnce('alert:a:w1:0.5', FAR, NOW)).toBe(true);
    await first.close();

    const second = openSqliteBudgetCounterStore({ path, clock: fixedClock });
    expect(await second.usage('a', 'w1')).toEqual({ spent: 30, reserved: 60 });
    expect(await second.reserve('done', [amount('a', 50)], [limit('a', 100)], TTL, NOW + 1)).toEqual({ ok: true, replayed: true });
    expect(await second.settle('done', [amount('a', 30)], NOW + 1)).toBe('already-settled');
    expect(await second.claimOnce('alert:a:w1:0.5', FAR, NOW + 1)).toBe(false);
    expect(await second.reserve('other', [amount('a', 20)], [limit('a', 100)], TTL, NOW + TTL - 1)).toEqual({
      ok: false,
      budgetId: 'a',
      remaining: 10,
      resetAt: FAR,
    });
    // The reservation the first process never settled lapses by its TTL and frees its capacity.
    expect(await second.reserve('other', [amount('a', 20)], [limit('a', 100)], TTL, NOW + TTL)).toEqual({ ok: true, replayed: false });
    expect(await second.usage('a', 'w1')).toEqual({ spent: 30, reserved: 20 });
    await second.close();
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
    await ledger.close();
    database.close();
  });

  it('adds its tables as migration 3', () => {
    const database = openSqliteDatabase({ path, clock: fixedClock });
    expect(database.prepare('SELECT name FROM schema_migrations WHERE version = 3').pluck().get()).toBe('budget-counters');
    const tables = database.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'budget_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['budget_buckets', 'budget_claims', 'budget_requests']);
    database.close();
  });

  it('keeps a bucket until the latest retainUntil it was given', async () => {
    const store = openSqliteBudgetCounterStore({ path: ':memory:' });
    await store.settle('r1', [amount('a', 1, 'w1', NOW + 1_000)], NOW);
    await store.settle('r2', [amount('a', 2, 'w1', NOW + 5_000)], NOW);
    await store.settle('r3', [amount('a', 4, 'w1', NOW + 2_000)], NOW);
    await store.expire(NOW + 4_999);
    expect(await store.usage('a', 'w1')).toEqual({ spent: 7, reserved: 0 });
    await store.expire(NOW + 5_000);
    expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
    await store.close();
  });

  it('claims once across two processes sharing the file, and frees the claim after its retention', async () => {
    const first = openSqliteBudgetCounterStore({ path });
    const second = openSqliteBudgetCounterStore({ path });
    expect(await first.claimOnce('alert:a', NOW + 1_000, NOW)).toBe(true);
    expect(await second.claimOnce('alert:a', NOW + 1_000, NOW)).toBe(false);
    expect(await second.claimOnce('alert:a', NOW + 2_000, NOW + 1_000)).toBe(true);
    expect(await first.claimOnce('alert:a', NOW + 2_000, NOW + 1_500)).toBe(false);
    await first.close();
    await second.close();
  });

  it('refuses calls once closed', async () => {
    const store = openSqliteBudgetCounterStore({ path: ':memory:' });
    await store.close();
    await expect(store.usage('a', 'w1')).rejects.toThrow(/closed/);
  });

  it('keeps the sweep it made when it rejects bad input, as the memory store does', async () => {
    const store = openSqliteBudgetCounterStore({ path: ':memory:' });
    await store.reserve('r1', [amount('a', 100)], [limit('a', 100)], TTL, NOW);
    await expect(store.reserve('r2', [amount('b', 1)], [limit('a', 100)], TTL, NOW + TTL)).rejects.toThrow(/no limit/);
    await expect(store.reserve('r3', [amount('a', 0.5)], [limit('a', 100)], TTL, NOW + TTL)).rejects.toThrow(RangeError);
    expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
    expect(await store.release('r1')).toBe(false);
    await store.close();
  });

  it('forgets a settled request id after the retention, so the id can be reserved again', async () => {
    const store = openSqliteBudgetCounterStore({ path: ':memory:', settledRetentionMs: 1_000 });
    const limits = [{ budgetId: 'a', limit: 100, windowKeys: ['w'], resetAt: 0 }];
    const amounts = [{ budgetId: 'a', windowKey: 'w', amount: 10, retainUntil: 1_000_000 }];
    await store.settle('r1', amounts, 0);
    expect(await store.reserve('r1', amounts, limits, 5_000, 999)).toEqual({ ok: true, replayed: true });
    expect(await store.reserve('r1', amounts, limits, 5_000, 1_000)).toEqual({ ok: true, replayed: false });
    expect(await store.usage('a', 'w')).toEqual({ spent: 10, reserved: 10 });
    await store.close();
  });

  it('rejects fractional or negative amounts instead of counting them', async () => {
    const store = openSqliteBudgetCounterStore({ path: ':memory:' });
    const limits = [{ budgetId: 'a', limit: 100, windowKeys: ['w'], resetAt: 0 }];
    await expect(store.reserve('r1', [{ budgetId: 'a', windowKey: 'w', amount: 0.5, retainUntil: 10 }], limits, 5, 0)).rejects.toThrow(RangeError);
    await expect(store.settle('r1', [{ budgetId: 'a', windowKey: 'w', amount: -1, retainUntil: 10 }], 0)).rejects.toThrow(RangeError);
    expect(await store.usage('a', 'w')).toEqual({ spent: 0, reserved: 0 });
    await store.close();
  });

  it('refuses to read a counter beyond exact integers rather than round it', async () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    const store = createSqliteBudgetCounterStore({ database });
    await store.settle('r1', [amount('a', Number.MAX_SAFE_INTEGER)], NOW);
    await store.settle('r2', [amount('a', 2)], NOW);
    await expect(store.usage('a', 'w1')).rejects.toThrow(/2\^53/);
    await expect(store.reserve('r3', [amount('a', 1)], [limit('a', 10)], TTL, NOW)).rejects.toThrow(/2\^53/);
    const exact = database.prepare('SELECT spent FROM budget_buckets').pluck().safeIntegers().get();
    expect(exact).toBe(BigInt(Number.MAX_SAFE_INTEGER) + 2n);
    database.close();
  });

  it('rejects with TG_ERR_STORE_UNAVAILABLE while another connection holds the write lock', async () => {
    const store = openSqliteBudgetCounterStore({ path, busyTimeoutMs: 0 });
    await store.reserve('r1', [amount('a', 10)], [limit('a', 100)], TTL, NOW);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const failure = await store.reserve('r2', [amount('a', 10)], [limit('a', 100)], TTL, NOW).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TollgateError);
    expect((failure as TollgateError).code).toBe('TG_ERR_STORE_UNAVAILABLE');
    expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 10 });
    other.exec('ROLLBACK');
    other.close();
    expect(await store.reserve('r2', [amount('a', 10)], [limit('a', 100)], TTL, NOW)).toEqual({ ok: true, replayed: false });
    await store.close();
  });

  it('rejects with TG_ERR_STORE_UNAVAILABLE when the shared database was closed underneath it', async () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    const store = createSqliteBudgetCounterStore({ database });
    database.close();
    await expect(store.settle('r1', [amount('a', 1)], NOW)).rejects.toMatchObject({ code: 'TG_ERR_STORE_UNAVAILABLE' });
  });

  it('sweeps by index on the due columns rather than scanning', () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    const plan = (sql: string) =>
      (database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(NOW) as { detail: string }[]).map((row) => row.detail).join('; ');
    expect(plan('DELETE FROM budget_requests WHERE expires_at <= ? RETURNING amounts')).toMatch(/USING (COVERING )?INDEX budget_requests_expires_at/);
    expect(plan('DELETE FROM budget_requests WHERE forget_at <= ?')).toMatch(/USING (COVERING )?INDEX budget_requests_forget_at/);
    expect(plan('DELETE FROM budget_buckets WHERE retain_until <= ?')).toMatch(/USING (COVERING )?INDEX budget_buckets_retain_until/);
    expect(plan('DELETE FROM budget_claims WHERE retain_until <= ?')).toMatch(/USING (COVERING )?INDEX budget_claims_retain_until/);
    database.close();
  });
});

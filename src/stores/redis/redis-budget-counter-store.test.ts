import { createServer, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTollgateError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import { describeBudgetCounterStoreContract } from '../budget-counter-store.contract.js';
import type { BucketAmount, BucketLimit, BudgetCounterStore } from '../budget-counter-store.js';
import { closeRedisConnection, openRedisConnection } from './open-redis-connection.js';
import { createRedisBudgetCounterStore, type RedisBudgetCounterStoreOptions } from './redis-budget-counter-store.js';
import { deleteKeysWithPrefix, openTestRedis, testRedisUrl, uniqueTestPrefix } from './redis-test-support.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const FAR = NOW + 86_400_000;

function amount(budgetId: string, value: number, windowKey = 'w1'): BucketAmount {
  return { budgetId, windowKey, amount: value, retainUntil: FAR };
}

function limit(budgetId: string, value: number): BucketLimit {
  return { budgetId, limit: value, windowKeys: ['w1'], resetAt: FAR };
}

let cleaner: Redis;
const prefixes: string[] = [];
const stores: BudgetCounterStore[] = [];

beforeAll(async () => {
  cleaner = await openTestRedis();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const prefix of prefixes.splice(0)) await deleteKeysWithPrefix(cleaner, prefix);
});

afterAll(async () => {
  await closeRedisConnection(cleaner);
});

async function createStore(keyPrefix = uniqueTestPrefix(), options: Partial<RedisBudgetCounterStoreOptions> = {}): Promise<BudgetCounterStore> {
  prefixes.push(keyPrefix);
  const store = createRedisBudgetCounterStore({ redis: await openTestRedis(), keyPrefix, ...options });
  stores.push(store);
  return store;
}

/** A TCP port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function timedRejection(store: BudgetCounterStore): Promise<{ error: unknown; elapsedMs: number }> {
  const startedAt = Date.now();
  const error = await store.reserve('r1', [amount('a', 1)], [limit('a', 10)], 60_000, NOW).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  return { error, elapsedMs: Date.now() - startedAt };
}

describeBudgetCounterStoreContract('redis store', () => createStore());

describe('redis budget counter store', () => {
  it('shares counts between two connections and admits exactly what fits across both', async () => {
    const prefix = uniqueTestPrefix();
    const left = await createStore(prefix);
    const right = await createStore(prefix);
    expect(await left.reserve('shared', [amount('a', 5)], [limit('a', 1_005)], 60_000, NOW)).toEqual({ ok: true, replayed: false });
    expect(await right.usage('a', 'w1')).toEqual({ spent: 0, reserved: 5 });
    expect(await right.reserve('shared', [amount('a', 5)], [limit('a', 1_005)], 60_000, NOW)).toEqual({ ok: true, replayed: true });
    expect(await right.settle('shared', [amount('a', 5)], NOW)).toBe('settled');

    const results = await Promise.all(
      Array.from({ length: 500 }, (_, index) =>
        (index % 2 === 0 ? left : right).reserve(`r${index}`, [amount('a', 7)], [limit('a', 1_005)], 60_000, NOW),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(142);
    expect(await left.usage('a', 'w1')).toEqual({ spent: 5, reserved: 994 });
  });

  it('rejects promptly with TG_ERR_STORE_UNAVAILABLE when Redis is unreachable', async () => {
    const redis = openRedisConnection({ url: `redis://127.0.0.1:${await closedPort()}`, logger: silentLogger });
    const store = createRedisBudgetCounterStore({ redis, keyPrefix: uniqueTestPrefix() });
    stores.push(store);
    const first = await timedRejection(store);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const later = await timedRejection(store);
    console.info(`unreachable Redis: reserve rejected in ${first.elapsedMs} ms (while connecting) and ${later.elapsedMs} ms (after refusals)`);
    for (const { error, elapsedMs } of [first, later]) {
      expect(isTollgateError(error) && error.code).toBe('TG_ERR_STORE_UNAVAILABLE');
      expect(elapsedMs).toBeLessThan(1_000);
    }
  });

  it('rejects within the command timeout when a connected server stops answering', async () => {
    const sockets: Socket[] = [];
    // Completes the client's handshake (CLIENT SETINFO, INFO), then never answers again.
    const stalled: Server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (data) => {
        const text = data.toString();
        for (let count = text.split('SETINFO').length - 1; count > 0; count -= 1) socket.write('+OK\r\n');
        if (text.includes('$4\r\ninfo\r\n')) socket.write('$11\r\nloading:0\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalled.address() as { port: number };
      const redis = openRedisConnection({ url: `redis://127.0.0.1:${port}`, logger: silentLogger });
      const store = createRedisBudgetCounterStore({ redis, keyPrefix: uniqueTestPrefix() });
      stores.push(store);
      await new Promise((resolve) => redis.once('ready', resolve));
      const { error, elapsedMs } = await timedRejection(store);
      console.info(`stalled server: reserve rejected in ${elapsedMs} ms (commandTimeoutMs 250)`);
      expect(isTollgateError(error) && error.code).toBe('TG_ERR_STORE_UNAVAILABLE');
      expect(elapsedMs).toBeLessThan(1_000);
      await store.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => stalled.close(() => resolve()));
    }
  });

  it('keeps every key under the connection prefix and the store prefix', async () => {
    const connectionPrefix = uniqueTestPrefix();
    prefixes.push(connectionPrefix);
    const redis = openRedisConnection({ url: testRedisUrl, keyPrefix: connectionPrefix, logger: silentLogger, commandTimeoutMs: 2_000 });
    const store = createRedisBudgetCounterStore({ redis, keyPrefix: 'budget:' });
    stores.push(store);
    await new Promise((resolve) => redis.once('ready', resolve));
    await store.reserve('r1', [amount('a', 3)], [limit('a', 10)], 60_000, NOW);
    await store.settle('r2', [amount('a', 4)], NOW);
    await store.claimOnce('alert', FAR, NOW);
    expect(await store.usage('a', 'w1')).toEqual({ spent: 4, reserved: 3 });
    const keys = await cleaner.keys(`${connectionPrefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(keys.every((key) => key.startsWith(`${connectionPrefix}budget:`))).toBe(true);
  });

  it('forgets a settled request id after the retention, so the id can be reserved again', async () => {
    const store = await createStore(undefined, { settledRetentionMs: 1_000 });
    const amounts = [{ budgetId: 'a', windowKey: 'w', amount: 10, retainUntil: 1_000_000 }];
    const limits = [{ budgetId: 'a', limit: 100, windowKeys: ['w'], resetAt: 0 }];
    await store.settle('r1', amounts, 0);
    expect(await store.reserve('r1', amounts, limits, 5_000, 999)).toEqual({ ok: true, replayed: true });
    expect(await store.reserve('r1', amounts, limits, 5_000, 1_000)).toEqual({ ok: true, replayed: false });
    expect(await store.usage('a', 'w')).toEqual({ spent: 10, reserved: 10 });
  });

  it('rejects fractional or negative amounts instead of counting them', async () => {
    const store = await createStore();
    await expect(store.reserve('r1', [{ ...amount('a', 0.5) }], [limit('a', 100)], 5, NOW)).rejects.toThrow(RangeError);
    await expect(store.settle('r1', [amount('a', -1)], NOW)).rejects.toThrow(RangeError);
    expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
  });

  it('sweeps more lapsed reservations than one script call handles', async () => {
    const store = await createStore();
    await Promise.all(Array.from({ length: 250 }, (_, index) => store.reserve(`r${index}`, [amount('a', 1)], [limit('a', 1_000)], 1_000, NOW)));
    expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 250 });
    await store.expire(NOW + 1_000);
    expect(await store.usage('a', 'w1')).toEqual({ spent: 0, reserved: 0 });
  });

  it('keeps the largest safe integer exact', async () => {
    const store = await createStore();
    const largest = Number.MAX_SAFE_INTEGER;
    expect(await store.reserve('r1', [amount('a', largest)], [limit('a', largest)], 60_000, NOW)).toEqual({ ok: true, replayed: false });
    expect(await store.reserve('r2', [amount('a', 1)], [limit('a', largest)], 60_000, NOW)).toEqual({ ok: false, budgetId: 'a', remaining: 0, resetAt: FAR });
    expect(await store.settle('r1', [amount('a', largest - 2)], NOW)).toBe('settled');
    expect(await store.usage('a', 'w1')).toEqual({ spent: largest - 2, reserved: 0 });
  });
});

import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { describeSharedRecordStoreContract } from '../shared-record-store.contract.js';
import type { SharedRecordStore } from '../shared-record-store.js';
import { closeRedisConnection, openRedisConnection } from './open-redis-connection.js';
import { createRedisSharedRecordStore, type RedisSharedRecordStore, type RedisSharedRecordStoreOptions } from './redis-shared-record-store.js';
import { deleteKeysWithPrefix, openTestRedis, uniqueTestPrefix } from './redis-test-support.js';

interface SampleRecord {
  readonly state: string;
  readonly count: number;
  readonly note: string | undefined;
  readonly history: readonly (number | undefined)[];
  readonly nested: { readonly at: number | undefined };
}

const first: SampleRecord = { state: 'closed', count: 1, note: undefined, history: [1, undefined], nested: { at: undefined } };
const second: SampleRecord = { state: 'open', count: 2, note: 'two', history: [], nested: { at: 5 } };

let cleaner: Redis;
const prefixes: string[] = [];
const stores: SharedRecordStore<SampleRecord>[] = [];
const prefixOf = new WeakMap<SharedRecordStore<SampleRecord>, string>();

beforeAll(async () => {
  cleaner = await openTestRedis();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close?.()));
  for (const prefix of prefixes.splice(0)) await deleteKeysWithPrefix(cleaner, prefix);
});

afterAll(async () => {
  await closeRedisConnection(cleaner);
});

async function openStore(
  keyPrefix = uniqueTestPrefix(),
  options: Partial<RedisSharedRecordStoreOptions<SampleRecord>> = {},
): Promise<RedisSharedRecordStore<SampleRecord>> {
  prefixes.push(keyPrefix);
  const store = createRedisSharedRecordStore<SampleRecord>({
    redis: options.redis ?? (await openTestRedis()),
    keyPrefix,
    pollIntervalMs: 100,
    ttlMs: 60_000,
    logger: silentLogger,
    clock: systemClock,
    ...options,
  });
  stores.push(store);
  prefixOf.set(store, keyPrefix);
  return store;
}

async function timeUntil(check: () => void): Promise<number> {
  const startedAt = Date.now();
  await vi.waitFor(check, { timeout: 3_000, interval: 5 });
  return Date.now() - startedAt;
}

/** Waits until both stores under `prefix` are subscribed and `store` has done its start-up reloads. */
async function settled(prefix: string, store: RedisSharedRecordStore<SampleRecord>): Promise<void> {
  await vi.waitFor(async () => expect(await cleaner.pubsub('NUMSUB', `${prefix}changes`)).toEqual([`${prefix}changes`, 2]));
  await new Promise((resolve) => setTimeout(resolve, 20));
  await store.refresh();
}

describeSharedRecordStoreContract('redis store', {
  first,
  second,
  createStore: () => openStore(),
  openPeer: (store) => openStore(prefixOf.get(store)),
});

describe('redis shared record store', () => {
  it('shows another process an update by pub/sub, well before the poll', async () => {
    const prefix = uniqueTestPrefix();
    const left = await openStore(prefix, { pollIntervalMs: 60_000 });
    const right = await openStore(prefix, { pollIntervalMs: 60_000 });
    await settled(prefix, right);
    await left.update('k', () => first);
    const elapsedMs = await timeUntil(() => expect(right.read('k')).toStrictEqual(first));
    console.info(`pub/sub: the other process read the update after ${elapsedMs} ms (poll every 60000 ms)`);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('shows another process an unpublished update within the poll interval', async () => {
    const prefix = uniqueTestPrefix();
    const left = await openStore(prefix, { publishWhen: () => false });
    const right = await openStore(prefix, { pollIntervalMs: 100 });
    await settled(prefix, right);
    await left.update('k', () => first);
    const elapsedMs = await timeUntil(() => expect(right.read('k')).toStrictEqual(first));
    console.info(`poll: the other process read the unpublished update after ${elapsedMs} ms (poll every 100 ms)`);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('loses no increment when two processes race on one record', async () => {
    const prefix = uniqueTestPrefix();
    const left = await openStore(prefix);
    const right = await openStore(prefix);
    const increment = (current: SampleRecord | undefined): SampleRecord => ({ ...(current ?? first), count: (current?.count ?? 0) + 1 });
    // Fifty each, in bursts of five, so the two sides' compare-and-sets interleave.
    async function incrementFifty(store: RedisSharedRecordStore<SampleRecord>) {
      const pending: Promise<{ readonly after: SampleRecord | undefined }>[] = [];
      for (let index = 0; index < 50; index += 1) {
        pending.push(store.update('k', increment));
        if (index % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
      }
      return Promise.all(pending);
    }
    const updates = (await Promise.all([incrementFifty(left), incrementFifty(right)])).flat();
    const counts = updates.map((update) => update.after?.count).sort((a = 0, b = 0) => a - b);
    expect(counts).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    await Promise.all([left.refresh(), right.refresh()]);
    expect(left.read('k')?.count).toBe(100);
    expect(right.read('k')?.count).toBe(100);
  });

  it('drops a record from every replica once its TTL passes without a write', async () => {
    const prefix = uniqueTestPrefix();
    const left = await openStore(prefix, { ttlMs: 300, pollIntervalMs: 50 });
    const right = await openStore(prefix, { ttlMs: 300, pollIntervalMs: 50 });
    await left.update('k', () => first);
    await vi.waitFor(() => expect(right.read('k')).toStrictEqual(first), { timeout: 1_000 });
    await vi.waitFor(() => {
      expect(left.read('k')).toBeUndefined();
      expect(right.read('k')).toBeUndefined();
    }, { timeout: 2_000 });
  });

  it('applies updates locally and resolves, logging once, when Redis is unreachable', async () => {
    const warnings: string[] = [];
    const logger: Logger = { info() {}, warn: (message) => warnings.push(message), error() {} };
    const redis = openRedisConnection({ url: 'redis://127.0.0.1:1', logger: silentLogger });
    const store = await openStore(uniqueTestPrefix(), { redis, logger });
    const startedAt = Date.now();
    expect(await store.update('k', () => first)).toStrictEqual({ before: undefined, after: first });
    expect(await store.update('k', (current) => ({ ...(current ?? first), count: 7 }))).toStrictEqual({ before: first, after: { ...first, count: 7 } });
    const elapsedMs = Date.now() - startedAt;
    console.info(`unreachable Redis: two updates resolved locally in ${elapsedMs} ms`);
    expect(elapsedMs).toBeLessThan(1_000);
    expect(store.read('k')?.count).toBe(7);
    expect(await store.refresh()).toBe(false);
    expect(warnings.filter((message) => message.includes('unavailable'))).toHaveLength(1);
  });

  it('can be closed twice, and still answers locally after closing', async () => {
    const store = await openStore();
    await store.update('k', () => first);
    await store.close();
    await store.close();
    expect(await store.update('k', () => second)).toStrictEqual({ before: first, after: second });
    expect(store.read('k')).toStrictEqual(second);
  });
});

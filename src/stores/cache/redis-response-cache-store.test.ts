import { createServer, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTollgateError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import { closeRedisConnection, openRedisConnection } from '../redis/open-redis-connection.js';
import { deleteKeysWithPrefix, openTestRedis, testRedisUrl, uniqueTestPrefix } from '../redis/redis-test-support.js';
import { describeResponseCacheStoreContract } from '../response-cache-store.contract.js';
import type { CachedResponse, ResponseCacheStore } from '../response-cache-store.js';
import { createRedisResponseCacheStore, type RedisResponseCacheStoreOptions } from './redis-response-cache-store.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const TTL = 60_000;

function response(text: string): CachedResponse {
  return { body: new Uint8Array(Buffer.from(text)), costNanos: 42, servedBy: 'openai/gpt-4o', storedAt: NOW };
}

function textOf(entry: CachedResponse | undefined): string | undefined {
  return entry === undefined ? undefined : Buffer.from(entry.body).toString();
}

let cleaner: Redis;
const prefixes: string[] = [];
const stores: ResponseCacheStore[] = [];

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

async function createStore(options: Partial<RedisResponseCacheStoreOptions> = {}): Promise<ResponseCacheStore> {
  const keyPrefix = options.keyPrefix ?? uniqueTestPrefix();
  prefixes.push(keyPrefix);
  const store = createRedisResponseCacheStore({ redis: await openTestRedis(), keyPrefix, maxEntryBytes: 1_000_000, ...options });
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

async function timedRejection(operation: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const startedAt = Date.now();
  const error = await operation().then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  return { error, elapsedMs: Date.now() - startedAt };
}

describeResponseCacheStoreContract('redis store', ({ maxEntryBytes }) => createStore({ maxEntryBytes }));

describe('redis response cache store', () => {
  it('rejects an empty key prefix or a bad entry cap when built', async () => {
    const redis = await openTestRedis();
    try {
      expect(() => createRedisResponseCacheStore({ redis, keyPrefix: '', maxEntryBytes: 10 })).toThrow(/keyPrefix/);
      expect(() => createRedisResponseCacheStore({ redis, keyPrefix: 'p:', maxEntryBytes: 0 })).toThrow(/maxEntryBytes/);
    } finally {
      await closeRedisConnection(redis);
    }
  });

  it('shares entries between two connections, and keeps two store prefixes apart', async () => {
    const prefix = uniqueTestPrefix();
    const left = await createStore({ keyPrefix: prefix });
    const right = await createStore({ keyPrefix: prefix });
    const elsewhere = await createStore({ keyPrefix: `${prefix}other:` });
    await left.set('tenant:a|k', response('{"from":"left"}'), TTL, NOW);
    expect(textOf(await right.get('tenant:a|k', NOW))).toBe('{"from":"left"}');
    expect(await elsewhere.get('tenant:a|k', NOW)).toBeUndefined();
    await elsewhere.set('tenant:a|k', response('{"from":"elsewhere"}'), TTL, NOW);
    // `elsewhere` lives under `prefix + "other:"`, which `left`'s purge of "tenant:" does not reach.
    expect(await left.deleteByPrefix('tenant:')).toBe(1);
    expect(textOf(await elsewhere.get('tenant:a|k', NOW))).toBe('{"from":"elsewhere"}');
  });

  it('lets Redis drop an entry when the TTL runs out by its own clock', async () => {
    const store = await createStore();
    await store.set('k', response('{}'), 50, NOW);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.get('k', NOW)).toBeUndefined();
  });

  it('keeps every key under the connection prefix and the store prefix, and purges through both', async () => {
    const connectionPrefix = uniqueTestPrefix();
    prefixes.push(connectionPrefix);
    const redis = openRedisConnection({ url: testRedisUrl, keyPrefix: connectionPrefix, logger: silentLogger, commandTimeoutMs: 2_000 });
    const store = createRedisResponseCacheStore({ redis, keyPrefix: 'cache:', maxEntryBytes: 10_000 });
    stores.push(store);
    await new Promise((resolve) => redis.once('ready', resolve));
    await store.set('tenant:a|1', response('{"a":1}'), TTL, NOW);
    await store.set('tenant:b|2', response('{"b":2}'), TTL, NOW);
    expect((await cleaner.keys(`${connectionPrefix}*`)).sort()).toEqual([`${connectionPrefix}cache:tenant:a|1`, `${connectionPrefix}cache:tenant:b|2`]);
    expect(await store.deleteByPrefix('tenant:a|')).toBe(1);
    expect(await cleaner.keys(`${connectionPrefix}*`)).toEqual([`${connectionPrefix}cache:tenant:b|2`]);
  });

  it('purges more keys than one SCAN batch holds', async () => {
    const store = await createStore();
    await Promise.all(Array.from({ length: 1_234 }, (_, index) => store.set(`tenant:big|${index}`, response('{}'), TTL, NOW)));
    await store.set('tenant:small|0', response('{}'), TTL, NOW);
    expect(await store.deleteByPrefix('tenant:big|')).toBe(1_234);
    expect(textOf(await store.get('tenant:small|0', NOW))).toBe('{}');
  });

  it('reads a value it did not write as a miss', async () => {
    const keyPrefix = uniqueTestPrefix();
    const store = await createStore({ keyPrefix });
    await cleaner.set(`${keyPrefix}foreign`, 'not a cached response at all, just text');
    await cleaner.set(`${keyPrefix}short`, 'x');
    expect(await store.get('foreign', NOW)).toBeUndefined();
    expect(await store.get('short', NOW)).toBeUndefined();
  });

  it('estimates what this process stored until the TTL runs out, and never evicts', async () => {
    const store = await createStore();
    await store.set('a', response('12345'), 10_000, NOW);
    await store.set('bb', response('1234567890'), 60_000, NOW);
    expect(store.stats()).toEqual({ entries: 2, bytes: 18, evictions: 0 });
    await store.get('a', NOW + 30_000);
    expect(store.stats()).toEqual({ entries: 1, bytes: 12, evictions: 0 });
    await store.get('bb', NOW + 70_000);
    expect(store.stats()).toEqual({ entries: 0, bytes: 0, evictions: 0 });
  });

  it('rejects promptly with TG_ERR_STORE_UNAVAILABLE when Redis is unreachable, and refuses oversize entries without it', async () => {
    const redis = openRedisConnection({ url: `redis://127.0.0.1:${await closedPort()}`, logger: silentLogger });
    const store = createRedisResponseCacheStore({ redis, keyPrefix: uniqueTestPrefix(), maxEntryBytes: 100 });
    stores.push(store);
    const attempts = [
      await timedRejection(() => store.get('k', NOW)),
      await timedRejection(() => store.set('k', response('{}'), TTL, NOW)),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    attempts.push(
      await timedRejection(() => store.get('k', NOW)),
      await timedRejection(() => store.delete('k')),
      await timedRejection(() => store.deleteByPrefix('tenant:')),
    );
    console.info(`unreachable Redis: rejected in ${attempts.map((attempt) => attempt.elapsedMs).join(', ')} ms`);
    for (const { error, elapsedMs } of attempts) {
      expect(isTollgateError(error) && error.code).toBe('TG_ERR_STORE_UNAVAILABLE');
      expect(elapsedMs).toBeLessThan(1_000);
    }
    expect(await store.set('k', response('x'.repeat(200)), TTL, NOW)).toBe(false);
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
      const store = createRedisResponseCacheStore({ redis, keyPrefix: uniqueTestPrefix(), maxEntryBytes: 1_000 });
      stores.push(store);
      await new Promise((resolve) => redis.once('ready', resolve));
      const { error, elapsedMs } = await timedRejection(() => store.get('k', NOW));
      console.info(`stalled server: get rejected in ${elapsedMs} ms (commandTimeoutMs 250)`);
      expect(isTollgateError(error) && error.code).toBe('TG_ERR_STORE_UNAVAILABLE');
      expect(elapsedMs).toBeLessThan(1_000);
      await store.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => stalled.close(() => resolve()));
    }
  });

  it('leaves a shared connection open on close when it does not own it', async () => {
    const redis = await openTestRedis();
    try {
      const store = createRedisResponseCacheStore({ redis, keyPrefix: uniqueTestPrefix(), maxEntryBytes: 1_000, ownsConnection: false });
      await store.close();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await closeRedisConnection(redis);
    }
  });
});

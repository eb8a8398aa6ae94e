import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock } from '../../core/clock.js';
import { silentLogger } from '../../core/logger.js';
import { closeRedisConnection, openRedisConnection, whenRedisReady } from './open-redis-connection.js';

/** Test-only helpers for the Redis store tests, which run against a real server. */
export const testRedisUrl = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test (or test run) shares. */
export function uniqueTestPrefix(): string {
  return `tollgate-test:${randomUUID()}:`;
}

/** A ready fail-fast connection; throws when the test Redis cannot be reached. */
export async function openTestRedis(url = testRedisUrl): Promise<Redis> {
  const redis = openRedisConnection({ url, logger: silentLogger, clock: systemClock, commandTimeoutMs: 2_000 });
  if (!(await whenRedisReady(redis, 5_000))) {
    await closeRedisConnection(redis);
    throw new Error(`test Redis at ${url} is not reachable`);
  }
  return redis;
}

/** Deletes every key under `prefix` (SCAN, so it is safe on a shared server). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA1 (EVALSHA), sent in full (EVAL) only when the server does not have it cached yet. */
export interface RedisScript {
  run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

export function defineRedisScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}

/**
 * The prefix for keys a script builds itself from ARGV. The client prefixes declared KEYS and
 * plain commands' keys with its own `keyPrefix`, but not names built inside a script, so those
 * take the client's prefix explicitly and every key ends up under the same one.
 */
export function scriptKeyPrefix(redis: Redis, keyPrefix: string): string {
  return (redis.options.keyPrefix ?? '') + keyPrefix;
}

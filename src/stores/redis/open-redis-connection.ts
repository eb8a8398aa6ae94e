import { Redis } from 'ioredis';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { createThrottledLogger } from './throttled-logger.js';

export interface OpenRedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. Never logged. */
  readonly url: string;
  /** Prepended by the client to every key it sends; stores built on the connection honour it too. */
  readonly keyPrefix?: string;
  /** A command left without a reply this long rejects (default 250). */
  readonly commandTimeoutMs?: number;
  /** A connection attempt not established this long is dropped and retried (default 1000). */
  readonly connectTimeoutMs?: number;
  /** The cap on the pause between reconnection attempts (default 2000). */
  readonly maxReconnectDelayMs?: number;
  /** Receives connection errors, at most one line per kind every `errorLogIntervalMs` (default 10000). */
  readonly logger: Logger;
  readonly errorLogIntervalMs?: number;
  readonly clock?: Clock;
  /** Jitter for the reconnection backoff; defaults to `Math.random`. */
  readonly random?: () => number;
}

const firstReconnectDelayMs = 50;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Opens a Redis client that fails fast and never hangs a request: commands issued while the
 * connection is down reject at once (no offline queue, no per-request retries, no resending after
 * a reconnect), a command without a reply rejects after `commandTimeoutMs`, and the client keeps
 * reconnecting in the background with a capped, jittered backoff. Connection errors go to the
 * logger, throttled, and never crash the process. Connects immediately; await `whenRedisReady`
 * at boot to give the first connection a bounded head start.
 */
export function openRedisConnection(options: OpenRedisConnectionOptions): Redis {
  const commandTimeoutMs = positiveInteger(options.commandTimeoutMs ?? 250, 'commandTimeoutMs');
  const connectTimeoutMs = positiveInteger(options.connectTimeoutMs ?? 1_000, 'connectTimeoutMs');
  const maxReconnectDelayMs = positiveInteger(options.maxReconnectDelayMs ?? 2_000, 'maxReconnectDelayMs');
  const random = options.random ?? Math.random;
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? '',
    commandTimeout: commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    lazyConnect: false,
    retryStrategy: function reconnectDelay(attempt: number): number {
      const ceiling = Math.min(maxReconnectDelayMs, firstReconnectDelayMs * 2 ** Math.min(attempt - 1, 20));
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    },
  });
  logRedisConnectionErrors(redis, {
    logger: options.logger,
    clock: options.clock ?? systemClock,
    errorLogIntervalMs: options.errorLogIntervalMs ?? 10_000,
  });
  return redis;
}

export interface RedisConnectionLogOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly errorLogIntervalMs: number;
}

/**
 * Sends a connection's errors to the logger, throttled, and says when it is ready again. Attach
 * to every connection, duplicates included: an `error` event without a listener is reported by
 * the client on stderr, unthrottled.
 */
export function logRedisConnectionErrors(redis: Redis, options: RedisConnectionLogOptions): void {
  const throttled = createThrottledLogger({ logger: options.logger, intervalMs: options.errorLogIntervalMs, now: () => options.clock.now() });
  let failing = false;
  redis.on('error', function logRedisError(error: unknown) {
    failing = true;
    const code = (error as { code?: unknown } | null)?.code;
    throttled.warn('Redis connection error', { error: error instanceof Error ? error.message : String(error), code });
  });
  redis.on('ready', function logRedisRecovered() {
    if (!failing) return;
    failing = false;
    options.logger.info('Redis connection ready again');
  });
}

/** Resolves true once the client is ready, or false after `timeoutMs` or when it was closed. Never rejects. */
export function whenRedisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      resolve(ready);
    };
    const onReady = () => finish(true);
    const onEnd = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    redis.on('ready', onReady);
    redis.on('end', onEnd);
  });
}

/** Quits politely when connected, otherwise drops the socket and stops reconnecting. Safe to call twice. */
export async function closeRedisConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through: the server did not answer in time.
    }
  }
  redis.disconnect(false);
}

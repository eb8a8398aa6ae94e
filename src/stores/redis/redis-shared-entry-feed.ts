import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';

/** One entry shared between replicas: flat text fields plus one binary field. */
export interface SharedEntry {
  readonly fields: Readonly<Record<string, string>>;
  readonly payload: Uint8Array;
}

export interface RedisSharedEntryFeedOptions {
  readonly redis: Redis;
  /** The Redis stream's key. */
  readonly key: string;
  /** Entries kept in the stream (approximately; older ones are trimmed). */
  readonly maxEntries: number;
  /** How often other replicas' entries are read. */
  readonly pollIntervalMs: number;
  readonly logger: Logger;
}

export interface SharedEntryFeed {
  publish(entry: SharedEntry): void;
  /** Receives every entry other processes publish from now on; returns a stop function. */
  subscribe(onEntry: (entry: SharedEntry) => void): () => void;
  close(): Promise<void>;
}

const originField = '_origin';
const payloadField = '_payload';

/**
 * A feed of entries every replica appends to and reads from: a capped Redis stream (XADD with
 * MAXLEN ~, XREAD from the last id seen, polled). It never blocks a request: publishing is fire
 * and forget, reading happens on a timer, and a Redis failure is logged and retried on the next
 * tick. Entries a process published itself are not delivered back to it.
 */
export function createRedisSharedEntryFeed(options: RedisSharedEntryFeedOptions): SharedEntryFeed {
  const { redis, key, logger } = options;
  const origin = randomUUID();
  const listeners = new Set<(entry: SharedEntry) => void>();
  let lastId = '$';
  let reading = false;
  let started = false;
  let timer: NodeJS.Timeout | undefined;

  async function poll(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      if (lastId === '$') {
        // Start after whatever is there now: an entry from before this process began was indexed by its owner's replica only.
        const latest = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
        lastId = latest[0]?.[0] ?? '0-0';
      }
      const batches = (await redis.xreadBuffer('COUNT', 500, 'STREAMS', key, lastId)) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      for (const [, messages] of batches ?? []) {
        for (const [id, flat] of messages) {
          lastId = id.toString();
          const fields: Record<string, string> = {};
          let payload: Uint8Array = new Uint8Array();
          let from = '';
          for (let index = 0; index + 1 < flat.length; index += 2) {
            const name = (flat[index] as Buffer).toString();
            const value = flat[index + 1] as Buffer;
            if (name === payloadField) payload = new Uint8Array(value);
            else if (name === originField) from = value.toString();
            else fields[name] = value.toString();
          }
          if (from === origin) continue;
          for (const listener of listeners) listener({ fields, payload });
        }
      }
    } catch (error) {
      logger.warn('shared entry feed could not be read; retrying', { key, error: error instanceof Error ? error.message : String(error) });
    } finally {
      reading = false;
    }
  }

  return {
    publish(entry) {
      const flat: Array<string | Buffer> = [originField, origin, payloadField, Buffer.from(entry.payload)];
      for (const [name, value] of Object.entries(entry.fields)) flat.push(name, value);
      redis.xadd(key, 'MAXLEN', '~', String(options.maxEntries), '*', ...flat).catch((error: unknown) =>
        logger.warn('shared entry feed could not be written', { key, error: error instanceof Error ? error.message : String(error) }),
      );
    },

    subscribe(onEntry) {
      listeners.add(onEntry);
      if (!started) {
        started = true;
        void poll();
        timer = setInterval(() => void poll(), options.pollIntervalMs);
        timer.unref();
      }
      return () => listeners.delete(onEntry);
    },

    async close() {
      if (timer !== undefined) clearInterval(timer);
      listeners.clear();
    },
  };
}

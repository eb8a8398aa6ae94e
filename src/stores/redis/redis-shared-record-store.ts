import type { Redis } from 'ioredis';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { RecordChange, RecordUpdate, SharedRecordStore } from '../shared-record-store.js';
import { parseKeepingUndefined, stringifyKeepingUndefined } from './json-keeping-undefined.js';
import { closeRedisConnection, logRedisConnectionErrors } from './open-redis-connection.js';
import { scriptKeyPrefix } from './redis-script.js';
import { sharedRecordScripts } from './redis-shared-record-scripts.js';
import { createThrottledLogger } from './throttled-logger.js';

export interface RedisSharedRecordStoreOptions<Value> {
  /** A fail-fast client from `openRedisConnection`. */
  readonly redis: Redis;
  /** The pub/sub connection; defaults to a duplicate of `redis`, closed with the store. */
  readonly subscriber?: Redis;
  /** Every key the store writes starts with this, e.g. `tollgate:breaker:`. */
  readonly keyPrefix: string;
  /** Defaults to `${keyPrefix}changes`. */
  readonly channel?: string;
  /** How often every shared record is reloaded: the bound on how stale `read` can be. */
  readonly pollIntervalMs: number;
  /** How long a record outlives its last write. */
  readonly ttlMs: number;
  /** Whether a write is announced on pub/sub (default: every write); unannounced ones arrive with the poll. */
  readonly publishWhen?: (before: Value | undefined, after: Value) => boolean;
  /** Receives backend failures, at most one line per kind every `failureLogIntervalMs` (default 10000). */
  readonly logger: Logger;
  readonly failureLogIntervalMs?: number;
  readonly clock: Clock;
  /** Whether `close` quits `redis` (default true); false when it is shared and closed elsewhere. */
  readonly ownsConnection?: boolean;
}

export interface RedisSharedRecordStore<Value> extends SharedRecordStore<Value> {
  update(key: string, change: RecordChange<Value>): Promise<RecordUpdate<Value>>;
  /** Reloads every shared record now, as each poll does; resolves false when Redis failed. Never rejects. */
  refresh(): Promise<boolean>;
  close(): Promise<void>;
}

/** The shared record as this process last saw it. */
interface Known<Value> {
  /** The shared version `value` was read or written at; 0 when the key was never stored. */
  readonly version: number;
  readonly value: Value;
  /** Set when a write failed: `value` holds local changes the shared record may lack. */
  readonly diverged: boolean;
  /** The `sequence` at which this entry was set, so a poll started earlier cannot drop it. */
  readonly sequence: number;
}

interface PendingChange<Value> {
  readonly change: RecordChange<Value>;
  /** The update as applied to the local replica when `update` was called. */
  readonly local: RecordUpdate<Value>;
  readonly resolve: (update: RecordUpdate<Value>) => void;
}

const MAX_COMPARE_AND_SET_ATTEMPTS = 20;

function positive(value: number, name: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
}

/**
 * A `SharedRecordStore` in Redis for several gateway processes. `read` answers from a local
 * replica; `update` applies its change there at once, then to the shared record by
 * compare-and-set on a version (one Lua script), re-running the change on the fresh record after
 * a conflict. Changes queued for a key while one is in flight go together in the next
 * compare-and-set. Other processes' writes arrive by pub/sub and by the poll. When Redis fails,
 * `update` resolves with the local result and logs (throttled); the replica keeps the local
 * state and pushes it with the next write unless another process has written since.
 */
export function createRedisSharedRecordStore<Value>(options: RedisSharedRecordStoreOptions<Value>): RedisSharedRecordStore<Value> {
  const { redis, keyPrefix, pollIntervalMs, ttlMs, clock } = options;
  positive(pollIntervalMs, 'pollIntervalMs');
  positive(ttlMs, 'ttlMs');
  const channel = options.channel ?? `${keyPrefix}changes`;
  const publishWhen = options.publishWhen ?? (() => true);
  const failureLogIntervalMs = options.failureLogIntervalMs ?? 10_000;
  const logger = createThrottledLogger({ logger: options.logger, intervalMs: failureLogIntervalMs, now: () => clock.now() });
  const prefix = scriptKeyPrefix(redis, keyPrefix);
  const indexKey = `${keyPrefix}index`;
  const ttlArgument = String(Math.ceil(ttlMs));
  const ownsSubscriber = options.subscriber === undefined;
  const subscriber = options.subscriber ?? redis.duplicate();
  if (ownsSubscriber) logRedisConnectionErrors(subscriber, { logger: options.logger, clock, errorLogIntervalMs: failureLogIntervalMs });

  const replica = new Map<string, Value>();
  const known = new Map<string, Known<Value>>();
  const queued = new Map<string, PendingChange<Value>[]>();
  const inFlight = new Map<string, readonly PendingChange<Value>[]>();
  let sequence = 0;
  let refreshing: Promise<boolean> | undefined;
  let closed = false;

  function remember(key: string, version: number, value: Value | undefined, diverged: boolean): void {
    sequence += 1;
    if (value === undefined) known.delete(key);
    else known.set(key, { version, value, diverged, sequence });
  }

  /** Recomputes what `read` returns: the known shared record with this process's unconfirmed changes on top. */
  function rebase(key: string): void {
    let value = known.get(key)?.value;
    for (const pending of [...(inFlight.get(key) ?? []), ...(queued.get(key) ?? [])]) {
      try {
        value = pending.change(value) ?? value;
      } catch {
        // A change that throws is skipped here; its own update reports the local result.
      }
    }
    if (value === undefined) replica.delete(key);
    else replica.set(key, value);
  }

  /**
   * Takes a shared record into the replica. `newer` (pub/sub) takes only a later version than
   * known; `different` (a poll or a lost compare-and-set, which read the record itself) takes any
   * other version, so a record expired and created again, at a lower version, is taken too.
   */
  function acceptShared(key: string, version: number, data: string, take: 'newer' | 'different'): void {
    const current = known.get(key);
    if (current !== undefined && (take === 'newer' ? current.version >= version : current.version === version)) return;
    let value: Value;
    try {
      value = parseKeepingUndefined(data) as Value;
    } catch (error) {
      logger.warn('Shared record store read an unreadable record', { key, error: error instanceof Error ? error.message : String(error) });
      return;
    }
    remember(key, version, value, false);
    // While a compare-and-set is in flight the record may already hold its changes (our own
    // write's message can beat the script's reply); the flush rebases once the reply is in.
    if (!inFlight.has(key)) rebase(key);
  }

  async function commit(key: string, batch: readonly PendingChange<Value>[]): Promise<void> {
    let final: Value | undefined;
    let changed = false;
    let base = known.get(key);
    try {
      for (let attempt = 0; attempt < MAX_COMPARE_AND_SET_ATTEMPTS && !closed; attempt += 1) {
        base = known.get(key);
        const updates: RecordUpdate<Value>[] = [];
        changed = base?.diverged ?? false;
        final = base?.value;
        for (const pending of batch) {
          const next = pending.change(final);
          updates.push({ before: final, after: next ?? final });
          if (next !== undefined) {
            final = next;
            changed = true;
          }
        }
        const write = changed && final !== undefined;
        const publish = write && publishWhen(base?.value, final as Value);
        const reply = await sharedRecordScripts.compareAndSet.run(redis, [`${keyPrefix}record:${key}`, indexKey], [
          key, String(base?.version ?? 0), write ? stringifyKeepingUndefined(final) : '', ttlArgument, channel, publish ? '1' : '0',
        ]);
        const [matched, version, data] = reply as [number, number, string | null];
        if (matched === 1) {
          if (write) remember(key, version, final, false);
          batch.forEach((pending, index) => pending.resolve(updates[index] ?? pending.local));
          return;
        }
        // Unless a newer record arrived meanwhile (by pub/sub), take the one the script read.
        if (known.get(key) !== base) continue;
        if (data === null) remember(key, version, undefined, false);
        else acceptShared(key, version, data, 'different');
      }
      throw new Error(closed ? 'the store is closed' : `no compare-and-set won in ${MAX_COMPARE_AND_SET_ATTEMPTS} attempts`);
    } catch (error) {
      if (!closed) logger.warn('Shared record store unavailable; using local state', { error: error instanceof Error ? error.message : String(error) });
      if (changed && final !== undefined) remember(key, base?.version ?? 0, final, true);
      for (const pending of batch) pending.resolve(pending.local);
    }
  }

  async function flush(key: string): Promise<void> {
    for (let batch = queued.get(key); batch !== undefined && batch.length > 0; batch = queued.get(key)) {
      queued.delete(key);
      inFlight.set(key, batch);
      await commit(key, batch);
      inFlight.delete(key);
      rebase(key);
    }
  }

  function refresh(): Promise<boolean> {
    refreshing ??= (async function reloadSharedRecords(): Promise<boolean> {
      const startedAt = sequence;
      try {
        const reply = (await sharedRecordScripts.readAll.run(redis, [indexKey], [prefix])) as string[];
        const seen = new Set<string>();
        for (let index = 0; index + 2 < reply.length; index += 3) {
          const key = reply[index] as string;
          seen.add(key);
          // An entry that changed since this read began may be newer than what it read.
          const take = (known.get(key)?.sequence ?? 0) <= startedAt ? 'different' : 'newer';
          acceptShared(key, Number(reply[index + 1]), reply[index + 2] as string, take);
        }
        for (const [key, entry] of known) {
          const busy = inFlight.has(key) || queued.has(key);
          if (seen.has(key) || busy || entry.diverged || entry.sequence > startedAt) continue;
          remember(key, 0, undefined, false);
          rebase(key);
        }
        return true;
      } catch (error) {
        logger.warn('Shared record store could not refresh; serving the local replica', { error: error instanceof Error ? error.message : String(error) });
        return false;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  function onMessage(messageChannel: string, message: string): void {
    if (messageChannel !== channel) return;
    try {
      const [key, version, data] = JSON.parse(message) as [string, number, string];
      acceptShared(key, version, data, 'newer');
    } catch (error) {
      logger.warn('Shared record store ignored an unreadable message', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  function subscribe(): void {
    subscriber.subscribe(channel).then(
      () => void refresh(),
      (error: unknown) => logger.warn('Shared record store could not subscribe', { error: error instanceof Error ? error.message : String(error) }),
    );
  }

  function onRedisReady(): void {
    void refresh();
  }

  subscriber.on('message', onMessage);
  subscriber.on('ready', subscribe);
  if (subscriber.status === 'ready') subscribe();
  redis.on('ready', onRedisReady);
  if (redis.status === 'ready') void refresh();
  const poll = setInterval(() => void refresh(), pollIntervalMs);
  poll.unref();

  return {
    read(key: string): Value | undefined {
      return replica.get(key);
    },

    update(key: string, change: RecordChange<Value>): Promise<RecordUpdate<Value>> {
      const before = replica.get(key);
      const changed = change(before);
      if (changed !== undefined) replica.set(key, changed);
      const local: RecordUpdate<Value> = { before, after: changed ?? before };
      if (closed) return Promise.resolve(local);
      return new Promise((resolve) => {
        const waiting = queued.get(key);
        if (waiting !== undefined) {
          waiting.push({ change, local, resolve });
          return;
        }
        queued.set(key, [{ change, local, resolve }]);
        // Deferred, so changes made in the same tick go in one compare-and-set.
        if (!inFlight.has(key)) queueMicrotask(() => void flush(key));
      });
    },

    entries(): Iterable<readonly [string, Value]> {
      return replica.entries();
    },

    refresh,

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      subscriber.off('message', onMessage);
      subscriber.off('ready', subscribe);
      redis.off('ready', onRedisReady);
      if (ownsSubscriber) await closeRedisConnection(subscriber);
      else await subscriber.unsubscribe(channel).catch(() => undefined);
      if (options.ownsConnection ?? true) await closeRedisConnection(redis);
    },
  };
}

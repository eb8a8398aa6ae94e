import { redisFailuresAsUnavailable, storeUnavailable } from './redis-failures.js';
import type { Redis } from 'ioredis';
import type { BucketAmount, BucketLimit, BucketUsage, BudgetCounterStore, ReserveResult, SettleOutcome } from '../budget-counter-store.js';
import { budgetCounterScripts } from './redis-budget-counter-scripts.js';
import { closeRedisConnection } from './open-redis-connection.js';
import { scriptKeyPrefix } from './redis-script.js';

export interface RedisBudgetCounterStoreOptions {
  /** A fail-fast client from `openRedisConnection`. */
  readonly redis: Redis;
  /** Every key the store writes starts with this, e.g. `tollgate:budget:`. */
  readonly keyPrefix: string;
  /** How long a settled request id is remembered so a replayed reserve or settle is not counted twice (default 15 min). */
  readonly settledRetentionMs?: number;
  /** Whether `close` quits the connection (default true); false when it is shared and closed elsewhere. */
  readonly ownsConnection?: boolean;
}

const DEFAULT_SETTLED_RETENTION_MS = 15 * 60_000;
/** Redis TTLs only back up the sweep (which follows the caller's clock); this margin absorbs skew between the two clocks. */
const BACKSTOP_GRACE_MS = 60_000;
/** `expire` sweeps in bounded steps; this caps the steps of one call. */
const MAX_EXPIRE_STEPS = 10_000;

function assertAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${amount}`);
}

function assertTime(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a finite number, got ${value}`);
}

/** Unambiguous for any budget id and window key: the length says where the budget id ends. */
function bucketMember(budgetId: string, windowKey: string): string {
  return `${budgetId.length}:${budgetId}:${windowKey}`;
}

/** A Redis expiry in whole milliseconds, at least 1, as a decimal string. */
function expiryMs(milliseconds: number): string {
  return String(Math.max(1, Math.ceil(milliseconds)));
}


function integerAt(reply: unknown, index: number): number {
  const value = Array.isArray(reply) ? reply[index] : undefined;
  if (typeof value !== 'number') throw new TypeError(`unexpected script reply ${JSON.stringify(reply)}`);
  return value;
}

/**
 * The shared budget counter store: counters in Redis, one Lua script per method, so
 * check-and-reserve across buckets is atomic across every gateway process. Expiry follows the
 * caller's clock: every script first sweeps lapsed reservations (releasing what they held) and
 * buckets past `retainUntil`, at most 100 of each per call; `expire` repeats until nothing is due.
 * Settled markers and claims are judged by the caller's clock too and dropped by Redis TTLs.
 *
 * Scripts touch keys built from the prefix, so on Redis Cluster the prefix must carry a hash tag
 * (`tollgate:{budget}:`) to keep every key in one slot. Any Redis failure, timeout or dropped
 * connection rejects with `TG_ERR_STORE_UNAVAILABLE`, as fast as the client fails.
 */
export function createRedisBudgetCounterStore(options: RedisBudgetCounterStoreOptions): BudgetCounterStore {
  const { redis, keyPrefix } = options;
  const settledRetentionMs = options.settledRetentionMs ?? DEFAULT_SETTLED_RETENTION_MS;
  if (!Number.isFinite(settledRetentionMs) || settledRetentionMs <= 0) {
    throw new RangeError(`settledRetentionMs must be a positive number, got ${settledRetentionMs}`);
  }
  const ownsConnection = options.ownsConnection ?? true;
  const prefix = scriptKeyPrefix(redis, keyPrefix);
  const indexKeys = [`${keyPrefix}reservations`, `${keyPrefix}buckets`];
  let closed = false;

  const run = redisFailuresAsUnavailable('Budget counter store');

  function amountArguments(amounts: readonly BucketAmount[], now: number): string[] {
    return amounts.flatMap((amount) => [
      bucketMember(amount.budgetId, amount.windowKey),
      String(amount.amount),
      String(amount.retainUntil),
      expiryMs(amount.retainUntil - now + BACKSTOP_GRACE_MS),
    ]);
  }

  return {
    async reserve(requestId: string, amounts: readonly BucketAmount[], limits: readonly BucketLimit[], ttlMs: number, now: number): Promise<ReserveResult> {
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
      assertTime(now, 'now');
      const requested = new Map<string, number>();
      let latestRetainUntil = now;
      for (const amount of amounts) {
        assertAmount(amount.amount, `reserve amount for budget ${amount.budgetId}`);
        assertTime(amount.retainUntil, 'retainUntil');
        requested.set(amount.budgetId, (requested.get(amount.budgetId) ?? 0) + amount.amount);
        latestRetainUntil = Math.max(latestRetainUntil, amount.retainUntil);
      }
      const limitById = new Map(limits.map((limit) => [limit.budgetId, limit]));
      const checked: BucketLimit[] = [];
      const limitArguments: string[] = [];
      for (const [budgetId, total] of requested) {
        const limit = limitById.get(budgetId);
        if (limit === undefined) throw new RangeError(`reserve has an amount for budget ${budgetId} but no limit`);
        assertTime(limit.limit, `limit for budget ${budgetId}`);
        checked.push(limit);
        limitArguments.push(String(limit.limit), String(total), String(limit.windowKeys.length));
        for (const windowKey of limit.windowKeys) limitArguments.push(bucketMember(budgetId, windowKey));
      }
      const expiresAt = now + ttlMs;
      // A live reservation's amounts matter as long as any of its buckets can exist.
      const requestExpiry = expiryMs(Math.max(expiresAt, latestRetainUntil) - now + BACKSTOP_GRACE_MS);
      const reply = await run('reserve', () =>
        budgetCounterScripts.reserve.run(redis, indexKeys, [
          prefix, requestId, String(now), String(expiresAt), requestExpiry,
          String(amounts.length), ...amountArguments(amounts, now),
          String(checked.length), ...limitArguments,
        ]),
      );
      if (integerAt(reply, 0) === 1) return { ok: true, replayed: integerAt(reply, 1) === 1 };
      const limit = checked[integerAt(reply, 1) - 1];
      if (limit === undefined) throw storeUnavailable('Budget counter store', 'reserve', new TypeError(`unexpected script reply ${JSON.stringify(reply)}`));
      return { ok: false, budgetId: limit.budgetId, remaining: limit.limit - integerAt(reply, 2), resetAt: limit.resetAt };
    },

    async settle(requestId: string, actual: readonly BucketAmount[], now: number): Promise<SettleOutcome> {
      assertTime(now, 'now');
      for (const amount of actual) {
        assertAmount(amount.amount, `settle amount for budget ${amount.budgetId}`);
        assertTime(amount.retainUntil, 'retainUntil');
      }
      const reply = await run('settle', () =>
        budgetCounterScripts.settle.run(redis, indexKeys, [
          prefix, requestId, String(now), String(now + settledRetentionMs), expiryMs(settledRetentionMs),
          String(actual.length), ...amountArguments(actual, now),
        ]),
      );
      if (reply === 2) return 'already-settled';
      return reply === 1 ? 'settled' : 'settled-without-reservation';
    },

    async release(requestId: string): Promise<boolean> {
      const reply = await run('release', () => budgetCounterScripts.release.run(redis, indexKeys, [prefix, requestId]));
      return reply === 1;
    },

    async expire(now: number): Promise<void> {
      assertTime(now, 'now');
      await run('expire', async () => {
        for (let step = 0; step < MAX_EXPIRE_STEPS; step += 1) {
          if ((await budgetCounterScripts.expire.run(redis, indexKeys, [prefix, String(now)])) !== 1) return;
        }
      });
    },

    async usage(budgetId: string, windowKey: string): Promise<BucketUsage> {
      const [spent, reserved] = await run('usage', () => redis.hmget(`${keyPrefix}bucket:${bucketMember(budgetId, windowKey)}`, 'spent', 'reserved'));
      return { spent: Number(spent ?? 0), reserved: Number(reserved ?? 0) };
    },

    async claimOnce(claimKey: string, retainUntil: number, now: number): Promise<boolean> {
      assertTime(now, 'now');
      assertTime(retainUntil, 'retainUntil');
      const remainingMs = Math.ceil(retainUntil - now);
      const reply = await run('claimOnce', () =>
        budgetCounterScripts.claimOnce.run(redis, [`${keyPrefix}claim:${claimKey}`], [String(now), String(retainUntil), String(Math.max(0, remainingMs))]),
      );
      return reply === 1;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (ownsConnection) await closeRedisConnection(redis);
    },
  };
}

import type { Redis } from 'ioredis';
import pg from 'pg';
import type { LedgerEntry } from '../../core/ledger-entry.js';
import { silentLogger } from '../../core/logger.js';
import type { BucketUsage, BudgetCounterStore } from '../../stores/budget-counter-store.js';
import type { LedgerStore } from '../../stores/ledger-store.js';
import { quoteSchema } from '../../stores/postgres/open-postgres-pool.js';
import { openPostgresLedgerStore } from '../../stores/postgres/postgres-ledger-store.js';
import { closeRedisConnection, openRedisConnection, whenRedisReady } from '../../stores/redis/open-redis-connection.js';
import { createRedisBudgetCounterStore } from '../../stores/redis/redis-budget-counter-store.js';
import { deleteKeysWithPrefix } from '../../stores/redis/redis-test-support.js';
import type { ScaleOutStoreSettings } from './fleet-config-yaml.js';

/** Reads what a fleet shares, from outside the replicas: budget counters in Redis, ledger rows in PostgreSQL. */
export interface ScaleOutInspector {
  /** A budget bucket's spent and reserved amounts (nano-dollars for USD budgets). */
  budgetUsage(budgetId: string, windowKey: string): Promise<BucketUsage>;
  /** Every ledger row, ordered by (timestamp, requestId, attempt). */
  ledgerRows(): Promise<LedgerEntry[]>;
  close(): Promise<void>;
  /** Drops the PostgreSQL schema (CASCADE) and deletes every Redis key under the fleet's prefix, then closes. */
  removeEverything(): Promise<{ readonly redisKeysDeleted: number }>;
}

/** Connects to the fleet's Redis and PostgreSQL (migrating the schema if the replicas have not yet). */
export async function openScaleOutInspector(store: ScaleOutStoreSettings): Promise<ScaleOutInspector> {
  const redis = await openReadyRedis(store.redisUrl);
  let ledger: LedgerStore;
  try {
    ledger = await openPostgresLedgerStore({ url: store.postgresUrl, schema: store.postgresSchema });
  } catch (error) {
    await closeRedisConnection(redis);
    throw error;
  }
  // The same key layout the gateway uses (see openGatewayStores).
  const counters: BudgetCounterStore = createRedisBudgetCounterStore({ redis, keyPrefix: `${store.redisKeyPrefix}:budget:`, ownsConnection: false });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await counters.close();
    await ledger.close();
    await closeRedisConnection(redis);
  };
  return {
    budgetUsage: (budgetId, windowKey) => counters.usage(budgetId, windowKey),
    ledgerRows: () => ledger.list({}),
    close,
    async removeEverything() {
      const redisKeysDeleted = await deleteKeysWithPrefix(redis, `${store.redisKeyPrefix}:`);
      await close();
      await dropSchema(store.postgresUrl, store.postgresSchema);
      return { redisKeysDeleted };
    },
  };
}

async function openReadyRedis(url: string): Promise<Redis> {
  const redis = openRedisConnection({ url, logger: silentLogger, commandTimeoutMs: 5_000 });
  if (await whenRedisReady(redis, 5_000)) return redis;
  await closeRedisConnection(redis);
  throw new Error(`Redis at ${url} is not reachable`);
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

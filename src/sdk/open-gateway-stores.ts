import type { TollgateConfig } from '../config/tollgate-config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { BudgetCounterStore } from '../stores/budget-counter-store.js';
import { createMemoryVirtualKeyStore } from '../stores/keys/memory-virtual-key-store.js';
import { openSqliteVirtualKeyStore } from '../stores/keys/sqlite-virtual-key-store.js';
import type { VirtualKeyStore } from '../stores/keys/virtual-key-store.js';
import type { LedgerStore } from '../stores/ledger-store.js';
import { createMemoryBudgetCounterStore } from '../stores/memory/memory-budget-counter-store.js';
import { createMemoryLedgerStore } from '../stores/memory/memory-ledger-store.js';
import { openPostgresPool } from '../stores/postgres/open-postgres-pool.js';
import { createPostgresLedgerStore } from '../stores/postgres/postgres-ledger-store.js';
import { applyPostgresMigrations } from '../stores/postgres/postgres-migrations.js';
import { createPostgresVirtualKeyStore } from '../stores/postgres/postgres-virtual-key-store.js';
import { closeRedisConnection, openRedisConnection, whenRedisReady } from '../stores/redis/open-redis-connection.js';
import { createRedisBudgetCounterStore } from '../stores/redis/redis-budget-counter-store.js';
import { openSqliteBudgetCounterStore } from '../stores/sqlite/sqlite-budget-counter-store.js';
import { openSqliteLedgerStore } from '../stores/sqlite/sqlite-ledger-store.js';

/** Everything the gateway keeps outside its process memory, opened per `store:` in the config. */
export interface GatewayStores {
  readonly ledgerStore: LedgerStore;
  readonly budgetStore: BudgetCounterStore;
  readonly keyStore: VirtualKeyStore;
  /** The Redis connection in scale-out mode, shared by counters and the circuit breaker. */
  readonly redis: import('ioredis').Redis | undefined;
  close(): Promise<void>;
}

export interface OpenGatewayStoresOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ledgerStore?: LedgerStore | undefined;
  readonly budgetStore?: BudgetCounterStore | undefined;
  readonly keyStore?: VirtualKeyStore | undefined;
}

/**
 * The embedded stores (memory, or one SQLite file holding ledger, budget counters and keys),
 * which open synchronously. Scale-out stores need network round trips first: use
 * `openGatewayStores`.
 */
export function openEmbeddedGatewayStores(config: TollgateConfig, options: OpenGatewayStoresOptions): GatewayStores {
  const { store } = config;
  if (store.kind === 'scale-out') {
    throw new Error('store kind scale-out opens asynchronously: call openGatewayStores(config) and pass its stores, or use startGateway.');
  }
  const opened: Array<{ close(): Promise<void> }> = [];
  const own = <Store extends { close(): Promise<void> }>(given: Store | undefined, open: () => Store): Store => {
    if (given !== undefined) return given;
    const created = open();
    opened.push(created);
    return created;
  };
  const ledgerStore = own(options.ledgerStore, () => (store.kind === 'memory' ? createMemoryLedgerStore() : openSqliteLedgerStore({ path: store.path })));
  // In one process a request id is never reserved again once settled (the server draws a new one
  // per request), so settled markers need only outlive stragglers: a minute keeps the memory they
  // take bounded at high request rates (about 120k markers at 1,000 requests per second).
  const settledRetentionMs = 60_000;
  const budgetStore = own(options.budgetStore, () =>
    store.kind === 'memory' ? createMemoryBudgetCounterStore({ settledRetentionMs }) : openSqliteBudgetCounterStore({ path: store.path, settledRetentionMs }),
  );
  const keyStore = own(options.keyStore, () =>
    store.kind === 'memory' ? createMemoryVirtualKeyStore({ clock: options.clock }) : openSqliteVirtualKeyStore({ path: store.path, clock: options.clock }),
  );
  return { ledgerStore, budgetStore, keyStore, redis: undefined, close: () => closeAll(opened) };
}

/** Opens the stores the config names; scale-out connects to Redis and migrates PostgreSQL first. */
export async function openGatewayStores(config: TollgateConfig, options: OpenGatewayStoresOptions): Promise<GatewayStores> {
  const { store } = config;
  if (store.kind !== 'scale-out') return openEmbeddedGatewayStores(config, options);
  const opened: Array<{ close(): Promise<void> }> = [];
  try {
    // One pool for the ledger and the keys, so N replicas hold N × 10 connections, not 2N × 10.
    const pool = await openPostgresPool({ url: store.postgresUrl, schema: store.postgresSchema, logger: options.logger });
    opened.push({ close: () => pool.end() });
    await applyPostgresMigrations(pool, options.clock);
    const ledgerStore = options.ledgerStore ?? createPostgresLedgerStore({ pool });
    if (options.ledgerStore === undefined) opened.push(ledgerStore);
    const keyStore = options.keyStore ?? createPostgresVirtualKeyStore({ pool, clock: options.clock });
    if (options.keyStore === undefined) opened.push(keyStore);
    const redis = openRedisConnection({ url: store.redisUrl, logger: options.logger, clock: options.clock });
    opened.push({ close: () => closeRedisConnection(redis) });
    // A bounded head start; if Redis is down at boot the limits' failure policy applies per request.
    if (!(await whenRedisReady(redis, 2_000))) options.logger.warn('Redis is not reachable yet; limits follow their store-failure policy until it is', {});
    const budgetStore =
      options.budgetStore ?? createRedisBudgetCounterStore({ redis, keyPrefix: `${store.redisKeyPrefix}:budget:`, ownsConnection: false });
    return { ledgerStore, budgetStore, keyStore, redis, close: () => closeAll(opened) };
  } catch (error) {
    await closeAll(opened);
    throw error;
  }
}

async function closeAll(stores: ReadonlyArray<{ close(): Promise<void> }>): Promise<void> {
  // Reverse order: what was opened last (and may depend on the rest) closes first.
  for (const store of [...stores].reverse()) await store.close();
}

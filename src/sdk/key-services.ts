import type { TollgateConfig } from '../config/tollgate-config.js';
import type { Clock } from '../core/clock.js';
import { createRequestAuthenticator, type RequestAuthenticator } from '../server/authenticate-request.js';
import type { AdministeredKey, KeyAdministration } from '../server/routes/admin-keys-routes.js';
import { authenticateKey, createCachedKeyLookup } from '../stores/keys/authenticate-key.js';
import { createMemoryVirtualKeyStore } from '../stores/keys/memory-virtual-key-store.js';
import { openSqliteVirtualKeyStore } from '../stores/keys/sqlite-virtual-key-store.js';
import type { VirtualKeyRecord } from '../stores/keys/virtual-key.js';
import type { VirtualKeyStore } from '../stores/keys/virtual-key-store.js';

export interface KeyServices {
  readonly store: VirtualKeyStore;
  readonly authenticate: RequestAuthenticator;
  readonly administration: KeyAdministration;
}

/** Opens the key store the config names (the ledger's SQLite file, or memory). */
export function openVirtualKeyStore(config: TollgateConfig, clock: Clock): VirtualKeyStore {
  return config.store.kind === 'sqlite' ? openSqliteVirtualKeyStore({ path: config.store.path, clock }) : createMemoryVirtualKeyStore({ clock });
}

/**
 * Virtual keys for the request path (a cached lookup: a revocation made elsewhere takes effect
 * within 5 s; one made through this process's admin API at once) and for the admin API.
 */
export function createKeyServices(config: TollgateConfig, clock: Clock, store: VirtualKeyStore = openVirtualKeyStore(config, clock)): KeyServices {
  const lookup = createCachedKeyLookup(store, { ttlMs: 5_000, maxEntries: 10_000, clock });
  const authenticate = createRequestAuthenticator({
    requireVirtualKey: config.auth.requireVirtualKey,
    lookup: async (secret) => {
      const result = await authenticateKey(lookup, secret, clock.now());
      return result.ok ? { ok: true, key: result.key } : { ok: false, reason: result.reason };
    },
  });
  const administration: KeyAdministration = {
    async create(key) {
      const created = await store.create(key);
      return { key: administered(created.record), secret: created.secret };
    },
    list: async () => (await store.list()).map(administered),
    async revoke(id) {
      const revoked = await store.revoke(id, clock.now());
      lookup.clear();
      return revoked;
    },
  };
  return { store, authenticate, administration };
}

/** A record without its hash, for the admin API and the CLI. */
export function administered(record: VirtualKeyRecord): AdministeredKey {
  const { hash: _hash, budgets: _budgets, rateLimits: _rateLimits, ...shown } = record;
  return shown;
}

import type { TollgateConfig } from '../config/tollgate-config.js';
import type { Clock } from '../core/clock.js';
import { createRequestAuthenticator, type RequestAuthenticator } from '../server/authenticate-request.js';
import type { AdministeredKey, KeyAdministration } from '../server/routes/admin-keys-routes.js';
import { authenticateKey, createCachedKeyLookup } from '../stores/keys/authenticate-key.js';
import { createMemoryVirtualKeyStore } from '../stores/keys/memory-virtual-key-store.js';
import { openSqliteVirtualKeyStore } from '../stores/keys/sqlite-virtual-key-store.js';
import type { VirtualKeyRecord } from '../stores/keys/virtual-key.js';
import type { VirtualKeyStore } from '../stores/keys/virtual-key-store.js';
import { z } from 'zod';
import { keyBudgetSchema, keyBudgetsOf, keyLimitsSchema, keyRateLimitOf, keyRateLimitsSchema } from '../config/limits-schema.js';
import { TollgateError } from '../core/errors.js';
import type { CallerLimits } from '../pipeline/budget/limit-rules.js';

export interface KeyServices {
  readonly store: VirtualKeyStore;
  readonly authenticate: RequestAuthenticator;
  readonly administration: KeyAdministration;
  /** A key's own budgets and rate limits, for keys this process has authenticated (bounded). */
  readonly callerLimits: (virtualKeyId: string) => CallerLimits | undefined;
}

const MAX_REMEMBERED_LIMITS = 10_000;
const storedBudgets = z.array(keyBudgetSchema);
const storedRateLimits = z.array(keyRateLimitsSchema);

/** A key record's stored budgets and rate limits, normalised; invalid stored JSON counts as none. */
export function callerLimitsOf(record: Pick<VirtualKeyRecord, 'id' | 'budgets' | 'rateLimits'>): CallerLimits {
  const budgets = storedBudgets.safeParse(record.budgets);
  const rateLimits = storedRateLimits.safeParse(record.rateLimits);
  return {
    budgets: budgets.success ? keyBudgetsOf(record.id, budgets.data) : [],
    rateLimits: rateLimits.success ? rateLimits.data.map((limit) => keyRateLimitOf(record.id, limit)) : [],
  };
}

/** Validates the budgets and rate limits given for a new key; the error names the field and the fix. */
export function validateKeyLimits(limits: { readonly budgets?: unknown; readonly rate_limits?: unknown }): { budgets: unknown[]; rateLimits: unknown[] } {
  const given = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
  const parsed = keyLimitsSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: `${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid limits'}`, param: path || undefined });
  }
  // Stored as given (snake_case JSON), so a record reads the same through every store and version.
  return { budgets: (given['budgets'] as unknown[] | undefined) ?? [], rateLimits: given['rate_limits'] === undefined ? [] : [given['rate_limits']] };
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
  // Key records never change but for revocation, so limits parsed once stay right; oldest go first.
  const limitsById = new Map<string, CallerLimits>();
  const authenticate = createRequestAuthenticator({
    requireVirtualKey: config.auth.requireVirtualKey,
    lookup: async (secret) => {
      const result = await authenticateKey(lookup, secret, clock.now());
      if (!result.ok) return { ok: false, reason: result.reason };
      if (!limitsById.has(result.key.id)) {
        if (limitsById.size >= MAX_REMEMBERED_LIMITS) limitsById.delete(limitsById.keys().next().value as string);
        limitsById.set(result.key.id, callerLimitsOf(result.key));
      }
      return { ok: true, key: result.key };
    },
  });
  const administration: KeyAdministration = {
    async create(key) {
      const limits = validateKeyLimits({ budgets: key.budgets, rate_limits: key.rateLimits });
      const created = await store.create({ ...key, budgets: limits.budgets, rateLimits: limits.rateLimits });
      return { key: administered(created.record), secret: created.secret };
    },
    list: async () => (await store.list()).map(administered),
    async revoke(id) {
      const revoked = await store.revoke(id, clock.now());
      lookup.clear();
      return revoked;
    },
  };
  return { store, authenticate, administration, callerLimits: (id) => limitsById.get(id) };
}

/** A record without its hash, for the admin API and the CLI. */
export function administered(record: VirtualKeyRecord): AdministeredKey {
  const { hash: _hash, ...shown } = record;
  return shown;
}

import type { Clock } from '../../core/clock.js';
import { generateKeyId, generateKeySecret, hashKeySecret, keySecretPrefix, type RandomBytes } from './key-secret.js';
import type { NewVirtualKey, VirtualKeyRecord } from './virtual-key.js';
import type { CreatedVirtualKey } from './virtual-key-store.js';

/** What every store needs to create a key: the time, and randomness for the id and secret. */
export interface VirtualKeyMinting {
  readonly clock: Clock;
  readonly random: RandomBytes;
}

/** How deep JSON in budgets and rate limits may nest (also stops cyclic values). */
const maxJsonDepth = 32;

/**
 * Validates a new key and builds its record and secret, so every store creates identical
 * records and rejects the same input the same way: a `RangeError` naming the field.
 * Budgets and rate limits are deep-copied through JSON, so a store keeps exactly what a
 * JSON column would give back.
 */
export function mintVirtualKey(key: NewVirtualKey, minting: VirtualKeyMinting): CreatedVirtualKey {
  function fail(field: string, expected: string, value: unknown): never {
    throw new RangeError(`virtual key: ${field} must be ${expected}, got ${show(value)}`);
  }
  const optionalText = (field: 'name' | 'org' | 'team' | 'user'): string | null => {
    const value = key[field] ?? null;
    if (value !== null && (typeof value !== 'string' || value.length === 0)) fail(field, 'null or a non-empty string', value);
    return value;
  };

  const allowedModels = key.allowedModels;
  if (allowedModels === undefined) fail('allowedModels', 'given: a list of model names, or null for every model', allowedModels);
  if (allowedModels !== null && (!Array.isArray(allowedModels) || !allowedModels.every((model) => typeof model === 'string' && model.length > 0))) {
    fail('allowedModels', 'null or a list of non-empty strings', allowedModels);
  }
  const tags = key.tags ?? {};
  if (!isPlainObject(tags) || !Object.entries(tags).every(([name, value]) => name.length > 0 && typeof value === 'string')) {
    fail('tags', 'an object of non-empty names to strings', tags);
  }
  const expiresAt = key.expiresAt ?? null;
  if (expiresAt !== null && !Number.isSafeInteger(expiresAt)) fail('expiresAt', 'null or integer milliseconds', expiresAt);
  const budgets = key.budgets ?? [];
  if (!Array.isArray(budgets) || !budgets.every((budget) => isJsonValue(budget, 0))) fail('budgets', 'a list of JSON values', budgets);
  const rateLimits = key.rateLimits ?? [];
  if (!Array.isArray(rateLimits) || !rateLimits.every((limit) => isJsonValue(limit, 0))) fail('rateLimits', 'a list of JSON values', rateLimits);

  const secret = generateKeySecret(minting.random);
  const record: VirtualKeyRecord = {
    id: generateKeyId(minting.random),
    hash: hashKeySecret(secret),
    prefix: keySecretPrefix(secret),
    name: optionalText('name'),
    org: optionalText('org'),
    team: optionalText('team'),
    user: optionalText('user'),
    allowedModels: allowedModels === null ? null : [...allowedModels],
    tags: { ...tags },
    expiresAt,
    createdAt: Math.trunc(minting.clock.now()),
    revokedAt: null,
    budgets: JSON.parse(JSON.stringify(budgets)) as unknown[],
    rateLimits: JSON.parse(JSON.stringify(rateLimits)) as unknown[],
  };
  return { record, secret };
}

/** Revocation times are integer wall-clock ms, as every other time in a record. */
export function assertRevocationTime(at: number): void {
  if (!Number.isSafeInteger(at)) throw new RangeError(`virtual key: revokedAt must be integer milliseconds, got ${String(at)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isJsonValue(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth >= maxJsonDepth) return false;
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  return false;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

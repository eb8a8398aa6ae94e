import { z } from 'zod';
import { integerField, strictMapping } from './config-fields.js';

// `cache:` — the response cache. Off unless `exact` is written.

/**
 * Whose answers may be shared: `key` (each virtual key its own), `team` or `org` (of the key's
 * owner), or `global` (everyone, an explicit opt-in). Scopes come from the virtual key, never
 * from client headers; a request without the scope's owner field is not cached.
 */
export const cacheScopes = ['key', 'team', 'org', 'global'] as const;

const exactCacheSchema = strictMapping(
  {
    ttl_ms: integerField({ minimum: 1_000, fix: 'write how long an answer is kept, in milliseconds, e.g. ttl_ms: 3600000' }).default(3_600_000),
    scope: z.enum(cacheScopes, { error: `write one of ${cacheScopes.join(', ')} (global shares answers between every caller)` }).default('key'),
    max_entries: integerField({ minimum: 1, fix: 'write how many answers to keep, e.g. max_entries: 10000' }).default(10_000),
    max_bytes: integerField({ minimum: 1_024, fix: 'write a size in bytes, e.g. max_bytes: 134217728 (128 MiB)' }).default(128 * 1024 * 1024),
    max_entry_bytes: integerField({ minimum: 256, fix: 'write a size in bytes, e.g. max_entry_bytes: 1048576' }).default(1024 * 1024),
  },
  'write exact: { ttl_ms: 3600000, scope: key }, or exact: {} for the defaults',
).transform((exact) => ({
  ttlMs: exact.ttl_ms,
  scope: exact.scope,
  maxEntries: exact.max_entries,
  maxBytes: exact.max_bytes,
  maxEntryBytes: exact.max_entry_bytes,
}));

export const cacheSchema = strictMapping(
  { exact: exactCacheSchema.optional() },
  'write cache: { exact: { ttl_ms: 3600000, scope: key } }, or leave cache out',
)
  .transform((cache) => ({ exact: cache.exact }))
  .prefault({});

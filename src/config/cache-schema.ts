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

const semanticCacheSchema = strictMapping(
  {
    models: z.array(z.string().min(1), { error: 'write the logical models to answer from similar prompts, e.g. models: [gpt-4o-mini]' }).min(1, {
      error: 'write at least one model, e.g. models: [gpt-4o-mini]',
    }),
    threshold: z.number({ error: 'write a cosine similarity from 0.5 to 1, e.g. threshold: 0.99 (see tollgate cache calibrate)' }).min(0.5).max(1).optional(),
    max_entries: integerField({ minimum: 1, fix: 'write how many prompts to index, e.g. max_entries: 100000' }).default(100_000),
    verify_with: z.string({ error: 'write a cheap configured model to confirm each semantic hit, e.g. verify_with: gpt-4o-mini' }).min(1).optional(),
    turns: integerField({ minimum: 1, maximum: 20, fix: 'write how many trailing messages to compare, e.g. turns: 1 (single-turn prompts only)' }).default(1),
    embedder: strictMapping(
      {
        model: z.string({ error: 'write a configured embeddings model, e.g. model: text-embedding-3-small' }).min(1),
        dimensions: integerField({ minimum: 1, maximum: 65_536, fix: 'write the length of its vectors, e.g. dimensions: 1536' }),
      },
      'write embedder: { model: text-embedding-3-small, dimensions: 1536 }, or leave it out for the built-in embedder',
    ).optional(),
  },
  'write semantic: { models: [gpt-4o-mini], threshold: 0.99 }',
).transform((semantic) => ({
  models: semantic.models,
  threshold: semantic.threshold,
  maxEntries: semantic.max_entries,
  turns: semantic.turns,
  verifyWith: semantic.verify_with,
  embedder: semantic.embedder,
}));

const promptCacheSchema = strictMapping(
  {
    enabled: z.boolean({ error: 'write true or false' }).default(true),
    ttl: z.enum(['5m', '1h'], { error: 'write ttl: 5m (writes cost 1.25× input) or ttl: 1h (2×)' }).default('5m'),
    min_tokens: integerField({ minimum: 1, fix: "write the shortest prefix worth caching, in tokens, e.g. min_tokens: 1024 (Anthropic's minimum for most models)" }).optional(),
  },
  'write prompt: { enabled: true, ttl: 5m }',
)
  .transform((prompt) => ({ enabled: prompt.enabled, ttl: prompt.ttl, minTokens: prompt.min_tokens }))
  .prefault({});

export const cacheSchema = strictMapping(
  { exact: exactCacheSchema.optional(), semantic: semanticCacheSchema.optional(), prompt: promptCacheSchema },
  'write cache: { exact: { ttl_ms: 3600000, scope: key } }, or leave cache out',
)
  .superRefine((cache, context) => {
    if (cache.semantic !== undefined && cache.exact === undefined) {
      context.addIssue({ code: 'custom', path: ['semantic'], message: 'the semantic cache serves answers the exact cache stores; add exact: {} (or exact: { ttl_ms: …, scope: … }) beside it' });
    }
  })
  .transform((cache) => ({ exact: cache.exact, semantic: cache.semantic, prompt: cache.prompt }))
  .prefault({});

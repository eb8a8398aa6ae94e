import { resolve } from 'node:path';
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

/**
 * The semantic cache's embedder: an embeddings model Tollgate serves (`model`, with the length of
 * its vectors), or a local ONNX model folder (`onnx`, resolved against the config file's
 * directory) such as a sentence-transformers export. Left out: the built-in embedder.
 */
export type SemanticEmbedderSettings =
  | { readonly kind: 'provider'; readonly model: string; readonly dimensions: number }
  | { readonly kind: 'onnx'; readonly folder: string; readonly maxTokens: number | undefined; readonly dimensions: number | undefined };

const embedderFix = 'write embedder: { model: text-embedding-3-small, dimensions: 1536 } or embedder: { onnx: ./models/all-MiniLM-L6-v2 }, or leave it out for the built-in embedder';

function embedderSchema(baseDirectory: string) {
  return strictMapping(
    {
      model: z.string({ error: 'write a configured embeddings model, e.g. model: text-embedding-3-small' }).min(1).optional(),
      onnx: z.string({ error: 'write a folder holding model.onnx (or onnx/model.onnx) and tokenizer.json, e.g. onnx: ./models/all-MiniLM-L6-v2' }).min(1).optional(),
      dimensions: integerField({ minimum: 1, maximum: 65_536, fix: 'write the length of its vectors, e.g. dimensions: 1536' }).optional(),
      max_tokens: integerField({ minimum: 8, maximum: 8_192, fix: 'write how many tokens of a prompt the local model reads, e.g. max_tokens: 256' }).optional(),
    },
    embedderFix,
  )
    .superRefine((embedder, context) => {
      if ((embedder.model === undefined) === (embedder.onnx === undefined)) {
        context.addIssue({ code: 'custom', message: `give exactly one of model and onnx: ${embedderFix}` });
      } else if (embedder.model !== undefined && embedder.dimensions === undefined) {
        context.addIssue({ code: 'custom', path: ['dimensions'], message: 'write the length of its vectors, e.g. dimensions: 1536' });
      } else if (embedder.model !== undefined && embedder.max_tokens !== undefined) {
        context.addIssue({ code: 'custom', path: ['max_tokens'], message: 'max_tokens applies to a local onnx model; the provider decides for model' });
      }
    })
    .transform(
      (embedder): SemanticEmbedderSettings =>
        embedder.model !== undefined
          ? { kind: 'provider', model: embedder.model, dimensions: embedder.dimensions as number }
          : { kind: 'onnx', folder: resolve(baseDirectory, embedder.onnx as string), maxTokens: embedder.max_tokens, dimensions: embedder.dimensions },
    );
}

function semanticCacheSchema(baseDirectory: string) {
  return strictMapping(
  {
    models: z.array(z.string().min(1), { error: 'write the logical models to answer from similar prompts, e.g. models: [gpt-4o-mini]' }).min(1, {
      error: 'write at least one model, e.g. models: [gpt-4o-mini]',
    }),
    threshold: z.number({ error: 'write a cosine similarity from 0.5 to 1, e.g. threshold: 0.99 (see tollgate cache calibrate)' }).min(0.5).max(1).optional(),
    max_entries: integerField({ minimum: 1, fix: 'write how many prompts to index, e.g. max_entries: 100000' }).default(100_000),
    verify_with: z.string({ error: 'write a cheap configured model to confirm each semantic hit, e.g. verify_with: gpt-4o-mini' }).min(1).optional(),
    turns: integerField({ minimum: 1, maximum: 20, fix: 'write how many trailing messages to compare, e.g. turns: 1 (single-turn prompts only)' }).default(1),
    embedder: embedderSchema(baseDirectory).optional(),
    index: z.enum(['sqlite', 'memory'], { error: 'write index: sqlite (sqlite-vec in the store file, the embedded default) or index: memory (in process)' }).optional(),
  },
  'write semantic: { models: [gpt-4o-mini], threshold: 0.99 }',
).transform((semantic) => ({
  models: semantic.models,
  threshold: semantic.threshold,
  maxEntries: semantic.max_entries,
  turns: semantic.turns,
  verifyWith: semantic.verify_with,
  embedder: semantic.embedder,
  index: semantic.index,
}));
}

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

export function cacheSchema(baseDirectory: string) {
  return strictMapping(
  { exact: exactCacheSchema.optional(), semantic: semanticCacheSchema(baseDirectory).optional(), prompt: promptCacheSchema },
  'write cache: { exact: { ttl_ms: 3600000, scope: key } }, or leave cache out',
)
  .superRefine((cache, context) => {
    if (cache.semantic !== undefined && cache.exact === undefined) {
      context.addIssue({ code: 'custom', path: ['semantic'], message: 'the semantic cache serves answers the exact cache stores; add exact: {} (or exact: { ttl_ms: …, scope: … }) beside it' });
    }
  })
  .transform((cache) => ({ exact: cache.exact, semantic: cache.semantic, prompt: cache.prompt }))
  .prefault({});
}

import type { TollgateConfig } from '../config/tollgate-config.js';
import type { Clock } from '../core/clock.js';
import type { EmbeddingCall } from '../core/embedding-call.js';
import type { Logger } from '../core/logger.js';
import type { ModelCall } from '../core/model-call.js';
import type { CostCalculator } from '../core/price.js';
import { exactCacheStage } from '../pipeline/cache/exact-cache-stage.js';
import { promptCacheBreakpointsStage } from '../pipeline/cache/prompt-cache-breakpoints.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../pipeline/cache/semantic/default-threshold.js';
import type { Embedder } from '../pipeline/cache/semantic/embedder.js';
import { createSemanticMatcher, type SemanticMatcher } from '../pipeline/cache/semantic/semantic-matcher.js';
import { verifyWithModel } from '../pipeline/cache/semantic/verify-with-model.js';
import type { LedgerSink } from '../pipeline/metering/ledger-sink.js';
import type { Stage } from '../pipeline/stage.js';
import { createMemoryResponseCacheStore } from '../stores/cache/memory-response-cache-store.js';
import { createRedisResponseCacheStore } from '../stores/cache/redis-response-cache-store.js';
import { createMemorySemanticIndex } from '../stores/memory/memory-semantic-index.js';
import type { SemanticIndex } from '../stores/semantic-index.js';
import { openSqliteSemanticIndex } from '../stores/sqlite/sqlite-semantic-index.js';
import { openSqliteResponseCacheStore } from '../stores/cache/sqlite-response-cache-store.js';
import type { ResponseCacheStore } from '../stores/response-cache-store.js';
import { buildSemanticEmbedder, embedderModels } from './build-semantic-embedder.js';
import type { GatewayStores } from './open-gateway-stores.js';
import { createRedisSharedEntryFeed, type SharedEntryFeed } from '../stores/redis/redis-shared-entry-feed.js';

export interface BuildCachesOptions {
  readonly config: TollgateConfig;
  readonly stores: GatewayStores;
  readonly adapters: ReadonlyMap<string, { readonly kind: string }>;
  readonly modelNames: ReadonlySet<string>;
  /** Tollgate's embeddings path, for a configured semantic-cache embedder. */
  readonly embeddings: EmbeddingCall;
  /** The resilient dispatch, for verifying semantic hits with a cheap model. */
  readonly dispatch: ModelCall;
  readonly costCalculator: CostCalculator;
  readonly ledger: LedgerSink;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface BuiltCaches {
  /** The exact (and semantic) response cache stage; absent unless `cache.exact` is configured. */
  readonly cache: Stage | undefined;
  /** Automatic Anthropic prompt-caching breakpoints; absent when off or no model is served by Anthropic. */
  readonly promptCache: Stage | undefined;
  close(): Promise<void>;
}

/** Where exact-cache hits are recorded in the ledger (free; the row carries the cost avoided). */
export const exactCacheDeployment = { providerId: 'tollgate', providerKind: 'cache', upstreamModel: 'exact-cache', pricingProviderId: undefined };

/** Builds the response cache (exact, semantic) and the prompt-caching stage from `cache:`. */
export function buildCaches(options: BuildCachesOptions): BuiltCaches {
  const { config, clock, logger } = options;
  const responseCache = openResponseCache(config, options.stores);
  const feed = sharedSemanticFeed(config, options.stores, logger);
  const exact = config.cache.exact;
  const semantic = config.cache.semantic;
  let semanticCache: ReturnType<typeof semanticMatcherFor>;
  try {
    semanticCache = responseCache === undefined || exact === undefined ? undefined : semanticMatcherFor(config, options.modelNames, options.embeddings, clock, feed, logger);
  } catch (error) {
    // A semantic setting that cannot be built fails the start; what was opened for it is closed.
    void feed?.close();
    void responseCache?.close();
    throw error;
  }
  const cache =
    responseCache === undefined || exact === undefined
      ? undefined
      : exactCacheStage({
          store: responseCache,
          ttlMs: exact.ttlMs,
          scope: exact.scope,
          recorder: { deployment: exactCacheDeployment, costCalculator: options.costCalculator, ledger: options.ledger, clock },
          clock,
          logger,
          semantic: semanticCache?.matcher,
          verify: semantic?.verifyWith === undefined ? undefined : verifyWithModel({ call: options.dispatch, model: semantic.verifyWith }),
        });
  const promptCacheMinimums = anthropicPromptCacheMinimums(config, options.adapters);
  const promptCache =
    config.cache.prompt.enabled && promptCacheMinimums.size > 0 ? promptCacheBreakpointsStage({ minimumTokens: promptCacheMinimums, ttl: config.cache.prompt.ttl }) : undefined;
  return {
    cache,
    promptCache,
    close: async () => {
      await feed?.close();
      semanticCache?.index.close();
      await responseCache?.close();
    },
  };
}

/**
 * The exact cache's store: the embedded default's SQLite file (its own connection, so answers
 * survive a restart), in process for `kind: memory` (or a SQLite `:memory:` database, which
 * could not outlive the process anyway), Redis (shared) in scale-out.
 */
function openResponseCache(config: TollgateConfig, stores: GatewayStores): ResponseCacheStore | undefined {
  const exact = config.cache.exact;
  if (exact === undefined) return undefined;
  const caps = { maxEntries: exact.maxEntries, maxBytes: exact.maxBytes, maxEntryBytes: exact.maxEntryBytes };
  if (stores.redis !== undefined && config.store.kind === 'scale-out') {
    return createRedisResponseCacheStore({ redis: stores.redis, keyPrefix: `${config.store.redisKeyPrefix}:cache:`, maxEntryBytes: exact.maxEntryBytes, ownsConnection: false });
  }
  if (config.store.kind === 'sqlite' && config.store.path !== ':memory:') return openSqliteResponseCacheStore({ path: config.store.path, ...caps });
  return createMemoryResponseCacheStore(caps);
}

/** Scale-out: replicas share what they index, since the answers are shared through Redis. */
function sharedSemanticFeed(config: TollgateConfig, stores: GatewayStores, logger: Logger): SharedEntryFeed | undefined {
  const semantic = config.cache.semantic;
  if (semantic === undefined || stores.redis === undefined || config.store.kind !== 'scale-out') return undefined;
  return createRedisSharedEntryFeed({ redis: stores.redis, key: `${config.store.redisKeyPrefix}:semantic-index`, maxEntries: semantic.maxEntries, pollIntervalMs: 250, logger });
}

/** The semantic matcher and the index it searches, which the caches' `close` closes. */
function semanticMatcherFor(
  config: TollgateConfig,
  models: ReadonlySet<string>,
  embeddings: EmbeddingCall,
  clock: Clock,
  feed: SharedEntryFeed | undefined,
  logger: Logger,
): { readonly matcher: SemanticMatcher; readonly index: SemanticIndex } | undefined {
  const semantic = config.cache.semantic;
  if (semantic === undefined) return undefined;
  for (const model of [...semantic.models, ...embedderModels(semantic.embedder), ...(semantic.verifyWith === undefined ? [] : [semantic.verifyWith])]) {
    if (!models.has(model)) throw new Error(`cache.semantic: "${model}" is not a configured model. Write one of: ${[...models].join(', ')}.`);
  }
  const embedder = buildSemanticEmbedder(semantic.embedder, embeddings, clock);
  const index = semanticIndexFor(config, embedder, semantic.maxEntries);
  try {
    const matcher = createSemanticMatcher({
      embedder,
      threshold: semantic.threshold ?? DEFAULT_SEMANTIC_THRESHOLD,
      models: new Set(semantic.models),
      index,
      turns: semantic.turns,
      feed,
      logger,
    });
    return { matcher, index };
  } catch (error) {
    index.close();
    throw error;
  }
}

/**
 * Where prompt vectors are indexed (`cache.semantic.index`): by default the embedded default's
 * SQLite file (sqlite-vec, its own connection, so the index survives a restart with the answers),
 * else in process (for `kind: memory`, a SQLite `:memory:` database, and scale-out, where replicas
 * share entries through the feed). `index: memory` keeps it in process beside a SQLite store too:
 * faster for one very large partition, rebuilt from new answers after a restart.
 */
function semanticIndexFor(config: TollgateConfig, embedder: Embedder, maxEntries: number): SemanticIndex {
  const inSqliteFile = config.store.kind === 'sqlite' && config.store.path !== ':memory:';
  const wanted = config.cache.semantic?.index ?? (inSqliteFile ? 'sqlite' : 'memory');
  if (wanted === 'sqlite' && config.store.kind === 'sqlite' && inSqliteFile) {
    return openSqliteSemanticIndex({ path: config.store.path, embedderId: embedder.id, dimensions: embedder.dimensions, maxEntries });
  }
  if (wanted === 'sqlite') {
    throw new Error(`cache.semantic.index: sqlite keeps the index in the store's SQLite file, and this store is ${config.store.kind === 'sqlite' ? 'an in-memory SQLite database' : `kind ${config.store.kind}`}. Write index: memory, or leave it out.`);
  }
  return createMemorySemanticIndex({ dimensions: embedder.dimensions, maxEntries });
}

/**
 * The shortest prefix worth a cache breakpoint, per logical model with an Anthropic deployment:
 * `cache.prompt.min_tokens`, else Anthropic's documented minimum (2,048 tokens for Haiku models,
 * 1,024 for the others), the largest over the model's Anthropic deployments.
 */
function anthropicPromptCacheMinimums(config: TollgateConfig, adapters: ReadonlyMap<string, { readonly kind: string }>): Map<string, number> {
  const minimums = new Map<string, number>();
  for (const model of config.models) {
    for (const deployment of model.deployments) {
      if (adapters.get(deployment.provider)?.kind !== 'anthropic') continue;
      const minimum = config.cache.prompt.minTokens ?? (/haiku/i.test(deployment.model) ? 2_048 : 1_024);
      minimums.set(model.name, Math.max(minimums.get(model.name) ?? 0, minimum));
    }
  }
  return minimums;
}

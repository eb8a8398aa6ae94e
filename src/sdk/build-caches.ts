import type { TollgateConfig } from '../config/tollgate-config.js';
import type { Clock } from '../core/clock.js';
import type { EmbeddingCall } from '../core/embedding-call.js';
import type { Logger } from '../core/logger.js';
import type { ModelCall } from '../core/model-call.js';
import type { CostCalculator } from '../core/price.js';
import { exactCacheStage } from '../pipeline/cache/exact-cache-stage.js';
import { promptCacheBreakpointsStage } from '../pipeline/cache/prompt-cache-breakpoints.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../pipeline/cache/semantic/default-threshold.js';
import { createHashedNgramEmbedder } from '../pipeline/cache/semantic/hashed-ngram-embedder.js';
import { createProviderEmbedder } from '../pipeline/cache/semantic/provider-embedder.js';
import { createSemanticMatcher, type SemanticMatcher } from '../pipeline/cache/semantic/semantic-matcher.js';
import { verifyWithModel } from '../pipeline/cache/semantic/verify-with-model.js';
import type { LedgerSink } from '../pipeline/metering/ledger-sink.js';
import type { Stage } from '../pipeline/stage.js';
import { createMemoryResponseCacheStore } from '../stores/cache/memory-response-cache-store.js';
import { createRedisResponseCacheStore } from '../stores/cache/redis-response-cache-store.js';
import type { ResponseCacheStore } from '../stores/response-cache-store.js';
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
          semantic: semanticMatcherFor(config, options.modelNames, options.embeddings, clock, feed),
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
      await responseCache?.close();
    },
  };
}

/** The exact cache's store: in process for the embedded default, Redis (shared) in scale-out. */
function openResponseCache(config: TollgateConfig, stores: GatewayStores): ResponseCacheStore | undefined {
  const exact = config.cache.exact;
  if (exact === undefined) return undefined;
  if (stores.redis !== undefined && config.store.kind === 'scale-out') {
    return createRedisResponseCacheStore({ redis: stores.redis, keyPrefix: `${config.store.redisKeyPrefix}:cache:`, maxEntryBytes: exact.maxEntryBytes, ownsConnection: false });
  }
  return createMemoryResponseCacheStore({ maxEntries: exact.maxEntries, maxBytes: exact.maxBytes, maxEntryBytes: exact.maxEntryBytes });
}

/** Scale-out: replicas share what they index, since the answers are shared through Redis. */
function sharedSemanticFeed(config: TollgateConfig, stores: GatewayStores, logger: Logger): SharedEntryFeed | undefined {
  const semantic = config.cache.semantic;
  if (semantic === undefined || stores.redis === undefined || config.store.kind !== 'scale-out') return undefined;
  return createRedisSharedEntryFeed({ redis: stores.redis, key: `${config.store.redisKeyPrefix}:semantic-index`, maxEntries: semantic.maxEntries, pollIntervalMs: 250, logger });
}

function semanticMatcherFor(config: TollgateConfig, models: ReadonlySet<string>, embeddings: EmbeddingCall, clock: Clock, feed: SharedEntryFeed | undefined): SemanticMatcher | undefined {
  const semantic = config.cache.semantic;
  if (semantic === undefined) return undefined;
  for (const model of [...semantic.models, ...(semantic.embedder === undefined ? [] : [semantic.embedder.model]), ...(semantic.verifyWith === undefined ? [] : [semantic.verifyWith])]) {
    if (!models.has(model)) throw new Error(`cache.semantic: "${model}" is not a configured model. Write one of: ${[...models].join(', ')}.`);
  }
  return createSemanticMatcher({
    embedder:
      semantic.embedder === undefined
        ? createHashedNgramEmbedder()
        : createProviderEmbedder({ embeddings, model: semantic.embedder.model, dimensions: semantic.embedder.dimensions, clock }),
    threshold: semantic.threshold ?? DEFAULT_SEMANTIC_THRESHOLD,
    models: new Set(semantic.models),
    maxEntries: semantic.maxEntries,
    turns: semantic.turns,
    feed,
  });
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

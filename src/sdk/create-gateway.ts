import { Agent, type Dispatcher } from 'undici';
import type { TollgateConfig } from '../config/tollgate-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { EmbeddingCall } from '../core/embedding-call.js';
import type { ModelCall, ModelRequest } from '../core/model-call.js';
import type { CostCalculator, ModelPrice } from '../core/price.js';
import { composeGatewayPipeline } from '../pipeline/compose.js';
import { createCircuitBreaker, type CircuitBreaker } from '../pipeline/circuit-breaker/circuit-breaker.js';
import { createFaqMatcher } from '../pipeline/degradation/faq-matcher.js';
import { createStaticAnswerCall, findStaticAnswer } from '../pipeline/degradation/static-answer-call.js';
import type { LoadBalancer } from '../pipeline/load-balancing/load-balancer.js';
import { abortableSleep, type Sleep } from '../pipeline/resilience/abortable-sleep.js';
import { createResilientDispatch } from '../pipeline/resilience/resilient-dispatch.js';
import { createEmbeddingDispatchCall, type EmbeddingDeploymentCall } from '../pipeline/dispatch/embedding-dispatch-call.js';
import { embeddingMeteringStage } from '../pipeline/metering/embedding-metering-stage.js';
import { meteringStage } from '../pipeline/metering/metering-stage.js';
import { createCostCalculator } from '../pricing/cost-calculator.js';
import { priceFromUsdPerMTok } from '../pricing/price-from-usd.js';
import { providerDefinitions } from '../providers/registry.js';
import { createLedgerWriter, type LedgerWriter } from '../stores/ledger-writer.js';
import type { LedgerStore } from '../stores/ledger-store.js';
import { buildResilientModels } from './build-resilient-models.js';
import { collectPriceOverrides } from '../config/price-overrides.js';
import type { BudgetRule, CallerLimits } from '../pipeline/budget/limit-rules.js';
import type { BudgetEngine } from '../pipeline/budget/budget-engine.js';
import type { BudgetCounterStore } from '../stores/budget-counter-store.js';
import { createBudgetAlertSink, type BudgetAlertSink } from './budget-alert-sink.js';
import { buildLimits } from './build-limits.js';
import { buildCaches, exactCacheDeployment } from './build-caches.js';
import type { BreakerRecord } from '../pipeline/circuit-breaker/breaker-record.js';
import type { CircuitBreakerStore } from '../pipeline/circuit-breaker/circuit-breaker-store.js';
import { createRedisSharedRecordStore } from '../stores/redis/redis-shared-record-store.js';
import { openEmbeddedGatewayStores, type GatewayStores } from './open-gateway-stores.js';

export interface GatewayOptions {
  readonly config: TollgateConfig;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Upstream HTTP dispatcher (keep-alive pool). Default: one undici Agent for all providers. */
  readonly dispatcher?: Dispatcher;
  /** Overrides the store the config names (tests, the library). */
  readonly ledgerStore?: LedgerStore;
  /** Randomness for load balancing and retry jitter (default `Math.random`). */
  readonly random?: () => number;
  /** How retries wait (default: a real, abortable timer). */
  readonly sleep?: Sleep;
  /** Overrides the budget counter store the config names (tests, the library). */
  readonly budgetStore?: BudgetCounterStore;
  /** Stores opened by the caller (`openGatewayStores`, required for scale-out); the caller closes them. */
  readonly stores?: GatewayStores;
  /** A virtual key's own budgets and rate limits, by key id (from the key services). */
  readonly callerLimits?: (virtualKeyId: string) => CallerLimits | undefined;
}

/** A wired gateway: the composed pipeline plus what must be drained on shutdown. */
export interface Gateway {
  readonly pipeline: ModelCall;
  /** `POST /v1/embeddings`: resolves the logical model and calls its provider's embeddings, metered. */
  readonly embeddings: EmbeddingCall;
  readonly modelNames: readonly string[];
  readonly ledgerStore: LedgerStore;
  readonly ledgerWriter: LedgerWriter;
  readonly costCalculator: CostCalculator;
  /** The config's budgets, as the limits stage applies them. */
  readonly budgetRules: readonly BudgetRule[];
  readonly budgets: {
    readonly engine: BudgetEngine;
    readonly store: BudgetCounterStore;
    readonly alerts: BudgetAlertSink;
    failOpenCount(): number;
  };
  /** Circuit-breaker and load-balancer state, for the admin API and metrics. */
  resilienceState(): ResilienceState;
  /** Flushes the ledger and closes stores and upstream connections. */
  close(): Promise<void>;
}

export interface ResilienceState {
  readonly circuitBreakers: ReturnType<CircuitBreaker['snapshot']>;
  readonly loadBalancers: ReadonlyArray<{ readonly model: string; readonly strategy: string; readonly deployments: ReturnType<LoadBalancer['stats']> }>;
  /** Circuit-breaker transitions since start, per deployment and target state. */
  readonly transitions: ReadonlyArray<{ readonly deployment: string; readonly to: string; readonly count: number }>;
}

/** The composition root: the one place concrete providers, stores and stages are built and wired. */
export function createGateway(options: GatewayOptions): Gateway {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 512 });
  const ownsStores = options.stores === undefined;
  const stores = options.stores ?? openEmbeddedGatewayStores(config, { clock, logger, ledgerStore: options.ledgerStore, budgetStore: options.budgetStore });
  const { ledgerStore, budgetStore } = stores;
  const ledgerWriter = createLedgerWriter({
    store: ledgerStore,
    batchSize: config.ledger.batchSize,
    flushIntervalMs: config.ledger.flushIntervalMs,
    capacity: config.ledger.queueCapacity,
    onError: (error, entries) =>
      logger.error('ledger write failed; rows kept for retry', { rows: entries.length, error: error instanceof Error ? error.message : String(error) }),
  });
  const costCalculator = createCostCalculator({ overrides: toCalculatorOverrides(config) });
  // Static FAQ answers cost nothing, on purpose; the ledger says so rather than "price unknown".

  const adapters = new Map<string, { call: ModelCall; embeddings: EmbeddingCall | undefined; pricingProviderId: string | undefined; kind: string }>();
  for (const provider of config.providers) {
    const definition = providerDefinitions.get(provider.kind);
    if (definition === undefined) {
      throw new Error(
        `providers.${provider.id}.kind: unknown provider kind "${provider.kind}". Write one of: ${[...providerDefinitions.keys()].join(', ')}.`,
      );
    }
    if (definition.requiresApiKey && (provider.apiKey === undefined || provider.apiKey === '')) {
      throw new Error(`providers.${provider.id}.api_key: kind "${provider.kind}" needs an API key. Write api_key: \${${provider.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY} and set that variable.`);
    }
    const baseUrl = provider.baseUrl ?? definition.defaultBaseUrl;
    if (baseUrl === undefined) throw new Error(`providers.${provider.id}.base_url: kind "${provider.kind}" needs a base_url, e.g. http://127.0.0.1:8000/v1.`);
    const buildOptions = {
      providerId: provider.id,
      baseUrl,
      apiKey: provider.apiKey,
      headers: provider.headers,
      timeoutMs: provider.timeoutMs,
      dispatcher,
      clock,
      settings: provider.settings,
    };
    adapters.set(provider.id, {
      call: definition.create(buildOptions),
      embeddings: definition.createEmbeddings?.(buildOptions),
      pricingProviderId: definition.pricingProviderId,
      kind: provider.kind,
    });
  }

  const embeddingModels = new Map<string, EmbeddingDeploymentCall[]>();
  for (const model of config.models) {
    embeddingModels.set(
      model.name,
      model.deployments.map((deployment) => {
        const adapter = adapters.get(deployment.provider);
        if (adapter === undefined) throw new Error(`models.${model.name}: provider "${deployment.provider}" is not configured.`);
        const target = { providerId: deployment.provider, providerKind: adapter.kind, upstreamModel: deployment.model, pricingProviderId: adapter.pricingProviderId };
        const meter = { deployment: target, costCalculator, ledger: ledgerWriter, clock };
        return { deployment: target, call: adapter.embeddings === undefined ? undefined : embeddingMeteringStage(meter)(adapter.embeddings) };
      }),
    );
  }

  const random = options.random ?? Math.random;
  const resilientModels = buildResilientModels({ config, adapters, costCalculator, ledger: ledgerWriter, clock, random });
  // Transition counts per (deployment, state): bounded by the configured deployments × 3 states.
  const transitions = new Map<string, number>();
  const breakerPolicy = definedFields(config.resilience.circuitBreaker);
  const breakerStore = stores.redis === undefined ? undefined : sharedBreakerStore(stores.redis, config, breakerPolicy, clock, logger);
  const breaker = createCircuitBreaker({
    policy: breakerPolicy,
    clock,
    // Scale-out: every replica sees one health record per deployment (see SharedRecordStore).
    store: breakerStore,
    onTransition: (event) => {
      const counter = `${event.key}\u0000${event.to}`;
      transitions.set(counter, (transitions.get(counter) ?? 0) + 1);
      logger.warn('circuit breaker transition', { deployment: event.key, from: event.from, to: event.to, reason: event.reason });
    },
  });
  const faqMatcher = config.resilience.faq.length === 0 ? undefined : createFaqMatcher(config.resilience.faq);
  const staticAnswers =
    faqMatcher === undefined
      ? undefined
      : {
          call: meteringStage({ deployment: staticAnswerDeployment, costCalculator, ledger: ledgerWriter, clock })(
            createStaticAnswerCall({ matcher: faqMatcher, clock }),
          ),
          canAnswer: (request: ModelRequest) => typeof findStaticAnswer(faqMatcher, request) !== 'string',
        };
  const dispatch = createResilientDispatch({ models: resilientModels, breaker, staticAnswers, clock, random, sleep: options.sleep ?? abortableSleep });
  const alerts = createBudgetAlertSink({
    webhookUrl: config.limits.alertWebhook,
    timeoutMs: config.limits.alertWebhookTimeoutMs,
    dispatcher,
    logger,
    record: (event) => ledgerStore.appendEvents([event]),
  });
  const limits = buildLimits({
    config,
    store: budgetStore,
    costCalculator,
    adapters,
    callerLimits: options.callerLimits ?? (() => undefined),
    onAlert: alerts.send,
    clock,
    logger,
  });
  const embeddings = createEmbeddingDispatchCall(embeddingModels);
  const caches = buildCaches({ config, stores, adapters, modelNames: new Set(resilientModels.keys()), embeddings, dispatch, costCalculator, ledger: ledgerWriter, clock, logger });
  const pipeline = composeGatewayPipeline({ dispatch, limits: limits.stage, cache: caches.cache, promptCache: caches.promptCache });

  return {
    pipeline,
    embeddings,
    modelNames: [...resilientModels.keys()],
    resilienceState: () => ({
      circuitBreakers: breaker.snapshot(),
      loadBalancers: [...resilientModels.values()].map((model) => ({ model: model.name, strategy: model.balancer.strategy, deployments: model.balancer.stats() })),
      transitions: [...transitions].map(([counter, count]) => {
        const [deployment = '', to = ''] = counter.split('\u0000');
        return { deployment, to, count };
      }),
    }),
    ledgerStore,
    ledgerWriter,
    costCalculator,
    budgetRules: config.budgets,
    budgets: { engine: limits.engine, store: budgetStore, alerts, failOpenCount: limits.failOpenCount },
    async close() {
      await ledgerWriter.close();
      await alerts.drain();
      await breakerStore?.close?.();
      await caches.close();
      if (ownsStores) await stores.close();
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

function sharedBreakerStore(
  redis: NonNullable<GatewayStores['redis']>,
  config: TollgateConfig,
  policy: { readonly windowMs?: number; readonly cooldownMs?: number },
  clock: Clock,
  logger: Logger,
): CircuitBreakerStore & { close?(): Promise<void> } {
  const windowMs = policy.windowMs ?? 30_000;
  const prefix = config.store.kind === 'scale-out' ? config.store.redisKeyPrefix : 'tollgate';
  return createRedisSharedRecordStore<BreakerRecord>({
    redis,
    keyPrefix: `${prefix}:breaker:`,
    pollIntervalMs: Math.max(100, Math.floor(windowMs / 10)),
    ttlMs: 2 * Math.max(windowMs, policy.cooldownMs ?? 30_000),
    // Announce state changes at once; window counts travel with the poll.
    publishWhen: (before, after) => before?.state !== after.state,
    logger,
    clock,
    ownsConnection: false,
  });
}





/** Where FAQ answers are recorded in the ledger. */
const staticAnswerDeployment = { providerId: 'tollgate', providerKind: 'static', upstreamModel: 'tollgate-faq', pricingProviderId: undefined };

function definedFields<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}

/** Config prices (USD per MTok) as the cost calculator's integer-nano prices. */
function toCalculatorOverrides(config: TollgateConfig): Map<string, ModelPrice | 'free'> {
  const overrides = new Map<string, ModelPrice | 'free'>([
    [`${staticAnswerDeployment.providerId}/${staticAnswerDeployment.upstreamModel}`, 'free'],
    [`${exactCacheDeployment.providerId}/${exactCacheDeployment.upstreamModel}`, 'free'],
  ]);
  for (const [key, price] of collectPriceOverrides(config.models)) overrides.set(key, 'free' in price ? 'free' : priceFromUsdPerMTok(price));
  return overrides;
}

import type { TollgateConfig } from '../config/tollgate-config.js';
import type { Clock } from '../core/clock.js';
import type { ModelCall } from '../core/model-call.js';
import type { CostCalculator } from '../core/price.js';
import { usageOf } from '../core/usage.js';
import { createLoadBalancer } from '../pipeline/load-balancing/load-balancer.js';
import { meteringStage } from '../pipeline/metering/metering-stage.js';
import type { LedgerSink } from '../pipeline/metering/ledger-sink.js';
import type { MeteredDeployment } from '../pipeline/metering/attempt-recorder.js';
import type { ResilientModel } from '../pipeline/resilience/resilient-model.js';
import { resolveRetryPolicy } from '../pipeline/retry/retry-policy.js';
import { resolveTimeoutPolicy } from '../pipeline/timeouts/timeout-policy.js';
import { timeoutStage } from '../pipeline/timeouts/timeout-stage.js';

export interface ProviderCalls {
  readonly call: ModelCall;
  readonly pricingProviderId: string | undefined;
  readonly kind: string;
}

export interface BuildResilientModelsOptions {
  readonly config: TollgateConfig;
  readonly adapters: ReadonlyMap<string, ProviderCalls>;
  readonly costCalculator: CostCalculator;
  readonly ledger: LedgerSink;
  readonly clock: Clock;
  readonly random: () => number;
}

/**
 * Each logical model's deployments as `metering(timeouts(adapter))` calls, with its balancer,
 * retry policy and fallbacks. Settings given on the model win over `resilience:` defaults.
 */
export function buildResilientModels(options: BuildResilientModelsOptions): Map<string, ResilientModel> {
  const { config, costCalculator, clock } = options;
  const models = new Map<string, ResilientModel>();
  for (const model of config.models) {
    const settings = model.resilience;
    const timeouts = resolveTimeoutPolicy(definedOnly({ ...config.resilience.timeouts, ...definedOnly(settings.timeouts ?? {}) }));
    const retryPolicy = resolveRetryPolicy(definedOnly({ ...config.resilience.retry, ...definedOnly(settings.retry ?? {}) }));
    // Streams resolve at their first content, so a failure before it can still fail over unseen.
    const timed = timeoutStage(timeouts, { clock, awaitFirstContent: true });
    const deployments = model.deployments.map((deployment) => {
      const adapter = options.adapters.get(deployment.provider);
      if (adapter === undefined) throw new Error(`models.${model.name}: provider "${deployment.provider}" is not configured.`);
      const target: MeteredDeployment = {
        providerId: deployment.provider,
        providerKind: adapter.kind,
        upstreamModel: deployment.model,
        pricingProviderId: adapter.pricingProviderId,
      };
      const metered = meteringStage({ deployment: target, costCalculator, ledger: options.ledger, clock })(timed(adapter.call));
      return {
        key: `${deployment.provider}/${deployment.model}`,
        weight: deployment.weight,
        costNanosPerMTok: blendedPrice(costCalculator, target, clock.now()),
        deployment: target,
        call: metered,
      };
    });
    const sticky = settings.loadBalancing?.sticky ?? promptCacheStickiness(config, model.deployments, options.adapters);
    models.set(model.name, {
      name: model.name,
      deployments,
      fallbacks: settings.fallbacks,
      contextWindowFallback: settings.contextWindowFallback,
      contentPolicyFallback: settings.contentPolicyFallback,
      degradeTo: settings.degradeTo,
      balancer: createLoadBalancer({
        strategy: settings.loadBalancing?.strategy ?? 'weighted',
        clock,
        random: options.random,
        stickiness: sticky === undefined ? undefined : { ttlMs: sticky.ttlMs },
      }),
      retryPolicy,
      sticky: sticky === undefined ? undefined : { by: sticky.by },
    });
  }
  return models;
}

/** One million input plus one million output tokens, for ranking deployments by price; unknown stays unknown. */
function blendedPrice(calculator: CostCalculator, target: MeteredDeployment, at: number): number | undefined {
  const cost = calculator.cost({
    providerId: target.providerId,
    pricingProviderId: target.pricingProviderId,
    model: target.upstreamModel,
    usage: usageOf({ inputTokens: 1_000_000, outputTokens: 1_000_000 }),
    at,
  });
  return cost.kind === 'priced' ? cost.nanos : undefined;
}

function definedOnly<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}

/**
 * A model spread over several deployments, at least one of them Anthropic, loses its prompt
 * cache every time a request sharing a prefix lands elsewhere. With automatic prompt caching on
 * and no stickiness configured, requests sharing a prefix stay on one deployment for the cache's
 * TTL (while it stays eligible).
 */
function promptCacheStickiness(
  config: TollgateConfig,
  deployments: ReadonlyArray<{ readonly provider: string }>,
  adapters: ReadonlyMap<string, { readonly kind: string }>,
): { readonly by: 'prefix'; readonly ttlMs: number } | undefined {
  if (!config.cache.prompt.enabled || deployments.length < 2) return undefined;
  if (!deployments.some((deployment) => adapters.get(deployment.provider)?.kind === 'anthropic')) return undefined;
  return { by: 'prefix', ttlMs: config.cache.prompt.ttl === '1h' ? 3_600_000 : 300_000 };
}

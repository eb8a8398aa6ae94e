import type { TollgateConfig } from '../config/tollgate-config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { CostCalculator } from '../core/price.js';
import type { Usage } from '../core/usage.js';
import { createBudgetEngine, type BudgetEngine } from '../pipeline/budget/budget-engine.js';
import type { BudgetAlert } from '../pipeline/budget/budget-types.js';
import type { CallerLimits } from '../pipeline/budget/limit-rules.js';
import { limitsStage, type LimitedModel } from '../pipeline/budget/limits-stage.js';
import type { Stage } from '../pipeline/stage.js';
import { boundInputTokens, EXACT_COUNT_CHARACTER_LIMIT, estimateInputTokens, promptCharacterCount } from '../pricing/estimate-input-tokens.js';
import type { BudgetCounterStore } from '../stores/budget-counter-store.js';

export interface PricedAdapter {
  readonly pricingProviderId: string | undefined;
}

export interface BuildLimitsOptions {
  readonly config: TollgateConfig;
  readonly store: BudgetCounterStore;
  readonly costCalculator: CostCalculator;
  readonly adapters: ReadonlyMap<string, PricedAdapter>;
  readonly callerLimits: (virtualKeyId: string) => CallerLimits | undefined;
  readonly onAlert: (alert: BudgetAlert) => void;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface BuiltLimits {
  readonly stage: Stage;
  readonly engine: BudgetEngine;
  /** Admissions made unmetered because the store was down and the policy said fail-open. */
  failOpenCount(): number;
}

/** Builds the budget engine and the limits stage from the config's budgets, rate limits and model tiers. */
export function buildLimits(options: BuildLimitsOptions): BuiltLimits {
  const { config, costCalculator, clock } = options;
  const engine = createBudgetEngine({ store: options.store, clock, onAlert: options.onAlert, reservationTtlMs: config.limits.reservationTtlMs });
  const modelsByName = new Map(config.models.map((model) => [model.name, model]));

  /** The model and every model it may fall back or degrade to. */
  function servingChain(name: string): string[] {
    const chain: string[] = [];
    const pending = [name];
    while (pending.length > 0) {
      const current = pending.pop() as string;
      const model = modelsByName.get(current);
      if (model === undefined || chain.includes(current)) continue;
      chain.push(current);
      const { fallbacks, contextWindowFallback, contentPolicyFallback, degradeTo } = model.resilience;
      for (const next of [...fallbacks, contextWindowFallback, contentPolicyFallback, degradeTo]) if (next !== undefined) pending.push(next);
    }
    return chain;
  }

  const limitedModels = new Map<string, LimitedModel>();
  const chains = new Map<string, string[]>();
  for (const model of config.models) {
    const chain = servingChain(model.name);
    chains.set(model.name, chain);
    const providers = new Set(chain.flatMap((name) => modelsByName.get(name)?.deployments.map((deployment) => deployment.provider) ?? []));
    limitedModels.set(model.name, { providers: [...providers], budgetTiers: model.budgetTiers });
  }

  function priceCeiling(name: string, inputTokens: number, outputTokens: number): number | undefined {
    let ceiling = 0;
    const at = clock.now();
    for (const member of chains.get(name) ?? []) {
      for (const deployment of modelsByName.get(member)?.deployments ?? []) {
        const adapter = options.adapters.get(deployment.provider);
        // The dearest way these tokens can be billed: input as fresh or as a cache write, output as visible or reasoning.
        const shapes: Usage[] = [
          usage({ inputTokens, outputTokens }),
          usage({ cacheWrite1hTokens: inputTokens, outputTokens }),
          usage({ inputTokens, reasoningTokens: outputTokens }),
          usage({ cacheWrite1hTokens: inputTokens, reasoningTokens: outputTokens }),
        ];
        for (const shape of shapes) {
          const cost = costCalculator.cost({ providerId: deployment.provider, pricingProviderId: adapter?.pricingProviderId, model: deployment.model, usage: shape, at });
          if (cost.kind !== 'priced') {
            // A bucket without a price of its own is billed like its neighbour; only a wholly unknown model is unbounded.
            if (shape.cacheWrite1hTokens !== undefined || shape.reasoningTokens !== undefined) continue;
            return undefined;
          }
          ceiling = Math.max(ceiling, cost.nanos);
        }
      }
    }
    return ceiling;
  }

  let failOpen = 0;
  const stage = limitsStage({
    engine,
    budgets: config.budgets,
    rateLimits: config.rateLimits,
    callerLimits: options.callerLimits,
    models: limitedModels,
    priceCeiling,
    countInputTokens: boundInputTokens,
    // Near a limit, a short prompt is counted exactly; a long one keeps its bound (never tokenised on the request path).
    exactInputTokens: (body) => (promptCharacterCount(body) <= EXACT_COUNT_CHARACTER_LIMIT ? estimateInputTokens(body) : boundInputTokens(body)),
    defaultMaxTokens: config.limits.defaultMaxTokens,
    onStoreFailure: config.limits.onStoreFailure,
    clock,
    logger: options.logger,
    onFailOpen: () => {
      failOpen += 1;
    },
  });
  return { stage, engine, failOpenCount: () => failOpen };
}

function usage(buckets: Partial<Usage>): Usage {
  return {
    inputTokens: buckets.inputTokens,
    cacheReadTokens: undefined,
    cacheWrite5mTokens: undefined,
    cacheWrite1hTokens: buckets.cacheWrite1hTokens,
    outputTokens: buckets.outputTokens,
    reasoningTokens: buckets.reasoningTokens,
  };
}


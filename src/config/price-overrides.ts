import type { ConfigIssue } from './config-error.js';
import { formatConfigPath } from './config-path.js';
import type { ModelConfig, PriceOverride } from './tollgate-config.js';

/** The key the cost calculator looks overrides up by: the configured provider id and the provider's model name. */
export function priceOverrideKey(provider: string, model: string): string {
  return `${provider}/${model}`;
}

/**
 * Every price the config sets, keyed `provider/model`. A price belongs to the provider's model, not
 * to the logical name, so it applies wherever that deployment is used.
 */
export function collectPriceOverrides(models: readonly ModelConfig[]): ReadonlyMap<string, PriceOverride> {
  const overrides = new Map<string, PriceOverride>();
  for (const model of models) {
    for (const deployment of model.deployments) {
      if (deployment.price === undefined) continue;
      overrides.set(priceOverrideKey(deployment.provider, deployment.model), deployment.price);
    }
  }
  return overrides;
}

/** Two different prices for the same `provider/model` cannot both hold; each such pair is an issue. */
export function findPriceConflicts(models: readonly ModelConfig[]): ConfigIssue[] {
  const first = new Map<string, { readonly modelName: string; readonly price: string }>();
  const issues: ConfigIssue[] = [];
  for (const model of models) {
    for (const deployment of model.deployments) {
      if (deployment.price === undefined) continue;
      const key = priceOverrideKey(deployment.provider, deployment.model);
      const price = JSON.stringify(deployment.price);
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, { modelName: model.name, price });
      } else if (earlier.price !== price) {
        issues.push({
          path: formatConfigPath(['models', model.name]),
          message:
            `prices ${key} differently from ${formatConfigPath(['models', earlier.modelName])}; ` +
            'one provider model has one price, so give both the same price',
        });
      }
    }
  }
  return issues;
}

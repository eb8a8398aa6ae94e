import type { CostCalculator, CostInput, CostResult, ModelPrice } from '../core/price.js';
import { costOfUsage, type UsageCost } from './cost-of-usage.js';
import { createGenaiPricesResolver, type PriceResolver } from './genai-prices-resolver.js';
import { tieredFromModelPrice, type TieredModelPrice } from './tiered-model-price.js';

export interface CostCalculatorOptions {
  /**
   * Prices from config, keyed by `${providerId}/${model}` (the configured provider id and the
   * upstream model). They win over the library. `'free'` prices a model at $0 on purpose, e.g.
   * a self-hosted one, so the ledger shows a deliberate zero rather than an unknown price.
   */
  readonly overrides?: ReadonlyMap<string, ModelPrice | 'free'>;
  /** Where library prices come from. Default: `createGenaiPricesResolver()` (memoised). */
  readonly resolvePrice?: PriceResolver;
}

export type PriceSource = 'genai-prices' | 'config';

const priceFields = [
  'inputNanosPerMTok',
  'cacheReadNanosPerMTok',
  'cacheWrite5mNanosPerMTok',
  'cacheWrite1hNanosPerMTok',
  'outputNanosPerMTok',
  'reasoningNanosPerMTok',
] as const satisfies ReadonlyArray<keyof ModelPrice>;

/**
 * Builds the cost calculator: config overrides first, then the pricing library, and an honest
 * `unknown` (with the reason) when neither has a price for every bucket the usage touches.
 * Bad overrides are rejected here, when the calculator is built, not on a request.
 */
export function createCostCalculator(options: CostCalculatorOptions = {}): CostCalculator {
  const overrides = new Map<string, TieredModelPrice | 'free'>();
  for (const [key, price] of options.overrides ?? []) {
    if (price !== 'free') assertValidPrice(key, price);
    overrides.set(key, price === 'free' ? 'free' : tieredFromModelPrice(price));
  }
  const resolvePrice = options.resolvePrice ?? createGenaiPricesResolver();

  function cost(input: CostInput): CostResult {
    const overrideKey = `${input.providerId}/${input.model}`;
    const override = overrides.get(overrideKey);
    if (override === 'free') return { kind: 'priced', nanos: 0, source: 'config' };
    if (override !== undefined) return withSource(costOfUsage(input.usage, override, overrideKey), 'config');

    const pricingProviderId = input.pricingProviderId;
    if (pricingProviderId === undefined) {
      return {
        kind: 'unknown',
        reason:
          `no price for model ${input.model} at provider ${input.providerId} ` +
          '(it has no pricing-library id; set a price for it in the config)',
      };
    }
    // The configured name first; then the name the provider reported (Azure deployment names
    // and aliases price as the model that actually answered).
    const names = input.reportedModel === undefined || input.reportedModel === input.model ? [input.model] : [input.model, input.reportedModel];
    for (const model of names) {
      let price: TieredModelPrice | undefined;
      try {
        price = resolvePrice({ pricingProviderId, model, at: input.at });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { kind: 'unknown', reason: `price lookup failed for ${pricingProviderId}/${model}: ${message}` };
      }
      if (price !== undefined) return withSource(costOfUsage(input.usage, price, `${pricingProviderId}/${model}`), 'genai-prices');
    }
    return { kind: 'unknown', reason: `no price for model ${names.join(' (reported as ') + (names.length > 1 ? ')' : '')} at provider ${pricingProviderId}` };
  }

  return { cost };
}

function withSource(result: UsageCost, source: PriceSource): CostResult {
  return result.kind === 'priced' ? { kind: 'priced', nanos: result.nanos, source } : result;
}

function assertValidPrice(key: string, price: ModelPrice): void {
  for (const field of priceFields) {
    const value = price[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new RangeError(`price override ${key}: ${field} must be a non-negative integer (nanos per MTok), got ${value}`);
    }
  }
}

import type { Nanos } from './money.js';
import type { Usage } from './usage.js';

/**
 * A model's price, per million tokens, as integer nano-dollars (so $2.50/MTok is 2_500_000_000).
 * A bucket left `undefined` has no published price; if usage lands in it, the cost is unknown.
 */
export interface ModelPrice {
  readonly inputNanosPerMTok: number | undefined;
  readonly cacheReadNanosPerMTok: number | undefined;
  readonly cacheWrite5mNanosPerMTok: number | undefined;
  readonly cacheWrite1hNanosPerMTok: number | undefined;
  readonly outputNanosPerMTok: number | undefined;
  /** Defaults to the output price when `undefined`, as every provider bills reasoning as output. */
  readonly reasoningNanosPerMTok: number | undefined;
}

export type CostResult =
  | { readonly kind: 'priced'; readonly nanos: Nanos; readonly source: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Computes the cost of `usage` for a provider and upstream model. Pure; implemented in `pricing/`. */
export interface CostCalculator {
  cost(input: CostInput): CostResult;
}

export interface CostInput {
  /** The configured provider id (config key), used to find a price override. */
  readonly providerId: string;
  /** The pricing library's provider id (`openai`, `anthropic`, `google`, `groq`, …), if it has one. */
  readonly pricingProviderId: string | undefined;
  /** The upstream model name as configured (for Azure: the deployment name). */
  readonly model: string;
  /** The model name the provider reported in its response, when it differs (e.g. a dated snapshot). */
  readonly reportedModel?: string | undefined;
  readonly usage: Usage;
  /** Wall-clock ms of the call, for prices that changed over time. */
  readonly at: number;
}

import type { ModelPrice } from '../core/price.js';

/** One step of a tiered rate: applies once the request's total input tokens exceed `aboveInputTokens`. */
export interface RateTier {
  readonly aboveInputTokens: number;
  readonly nanosPerMTok: number;
}

/**
 * A per-MTok rate that depends on the size of the request, as in Gemini's and Claude's long-context
 * pricing: the whole request is billed at the tier its total input (uncached + cache read + cache
 * write) falls into, for every bucket. Tiers are sorted by `aboveInputTokens`, ascending.
 */
export interface TieredRate {
  readonly baseNanosPerMTok: number;
  readonly tiers: readonly RateTier[];
}

/** Integer nanos per MTok, a tiered rate, or `undefined` when the bucket has no published price. */
export type Rate = number | TieredRate | undefined;

/**
 * The price the cost calculation works from: `ModelPrice`'s buckets, each possibly tiered, plus
 * a flat per-request fee some providers charge (Perplexity's search fee).
 */
export interface TieredModelPrice {
  readonly input: Rate;
  readonly cacheRead: Rate;
  readonly cacheWrite5m: Rate;
  readonly cacheWrite1h: Rate;
  readonly output: Rate;
  /** `undefined` means "billed as output". */
  readonly reasoning: Rate;
  /** Nano-dollars per thousand requests, or `undefined` when there is no per-request fee. */
  readonly perThousandRequestsNanos: number | undefined;
}

/** A flat `ModelPrice` (e.g. a config override) as a `TieredModelPrice` with no tiers and no fee. */
export function tieredFromModelPrice(price: ModelPrice): TieredModelPrice {
  return {
    input: price.inputNanosPerMTok,
    cacheRead: price.cacheReadNanosPerMTok,
    cacheWrite5m: price.cacheWrite5mNanosPerMTok,
    cacheWrite1h: price.cacheWrite1hNanosPerMTok,
    output: price.outputNanosPerMTok,
    reasoning: price.reasoningNanosPerMTok,
    perThousandRequestsNanos: undefined,
  };
}

export function isTieredRate(rate: Rate): rate is TieredRate {
  return typeof rate === 'object';
}

/** The rate in force for a request with `totalInputTokens`: the last tier whose threshold is exceeded. */
export function nanosPerMTokAt(rate: number | TieredRate, totalInputTokens: number): number {
  if (typeof rate === 'number') return rate;
  let nanosPerMTok = rate.baseNanosPerMTok;
  for (const tier of rate.tiers) {
    if (totalInputTokens > tier.aboveInputTokens) nanosPerMTok = tier.nanosPerMTok;
  }
  return nanosPerMTok;
}

import type { ModelPrice } from '../core/price.js';
import { usdToNanos } from './usd-to-nanos.js';

/**
 * Prices in USD per million tokens, as people write them (`input: 2.5` is $2.50/MTok).
 * A bucket left out has no price: usage landing in it makes the cost unknown.
 */
export interface UsdPerMTokPrices {
  readonly input?: number | undefined;
  readonly cacheRead?: number | undefined;
  /** Writes to a 5-minute prompt cache. */
  readonly cacheWrite?: number | undefined;
  readonly cacheWrite1h?: number | undefined;
  readonly output?: number | undefined;
  /** Defaults to the output price when left out. */
  readonly reasoning?: number | undefined;
}

/** Converts USD-per-MTok prices (e.g. from a config override) to the exact integer nanos of `ModelPrice`. */
export function priceFromUsdPerMTok(prices: UsdPerMTokPrices): ModelPrice {
  return {
    inputNanosPerMTok: optionalNanos(prices.input),
    cacheReadNanosPerMTok: optionalNanos(prices.cacheRead),
    cacheWrite5mNanosPerMTok: optionalNanos(prices.cacheWrite),
    cacheWrite1hNanosPerMTok: optionalNanos(prices.cacheWrite1h),
    outputNanosPerMTok: optionalNanos(prices.output),
    reasoningNanosPerMTok: optionalNanos(prices.reasoning),
  };
}

function optionalNanos(usd: number | undefined): number | undefined {
  return usd === undefined ? undefined : usdToNanos(usd);
}

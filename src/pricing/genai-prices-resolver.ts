import { calcPrice, type ModelPrice as LibraryModelPrice } from '@pydantic/genai-prices';
import type { RateTier, TieredModelPrice, TieredRate } from './tiered-model-price.js';
import { usdToNanos } from './usd-to-nanos.js';

export interface PriceQuery {
  /** The pricing library's provider id: `openai`, `anthropic`, `google`, `groq`, … */
  readonly pricingProviderId: string;
  readonly model: string;
  /** Wall-clock ms of the call, for prices that change over time. */
  readonly at: number;
}

/** Finds a model's price; `undefined` when there is none. May throw; the cost calculator reports it. */
export type PriceResolver = (query: PriceQuery) => TieredModelPrice | undefined;

export interface GenaiPricesResolverOptions {
  /** How many (provider, model) lookups to remember; the oldest is forgotten first. Default 1,000. */
  readonly capacity?: number;
  /** The library's `calcPrice`; injectable so tests can count lookups. */
  readonly calculatePrice?: typeof calcPrice;
}

type MemoEntry =
  | { readonly kind: 'fixed'; readonly price: TieredModelPrice }
  | { readonly kind: 'time-dependent' }
  | { readonly kind: 'missing' };

/** Zero usage: `calcPrice` is asked only for the price record, never for a cost. */
const NO_USAGE = Object.freeze({ input_tokens: 0, output_tokens: 0 });

/**
 * Prices from `@pydantic/genai-prices`, converted to integer nanos per MTok.
 *
 * A library lookup takes tens of microseconds, so each (provider, model) answer, including "no
 * such model", is remembered in a bounded map. Models whose price changed on a date or varies with
 * the time of day (off-peak discounts) are looked up on every call with the call's timestamp.
 *
 * Only token prices are used (plus `requests_kcount`, a fee on every request); units Tollgate's
 * usage does not measure, such as web searches or audio seconds, are not priced.
 * The memo is not refreshed: a new resolver sees data installed with `updatePrices` afterwards.
 */
export function createGenaiPricesResolver(options: GenaiPricesResolverOptions = {}): PriceResolver {
  const capacity = options.capacity ?? 1_000;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }
  const calculatePrice = options.calculatePrice ?? calcPrice;
  const memo = new Map<string, MemoEntry>();

  function lookUp(query: PriceQuery): { entry: MemoEntry; price: TieredModelPrice | undefined } {
    const result = calculatePrice(NO_USAGE, query.model, {
      providerId: query.pricingProviderId,
      timestamp: new Date(query.at),
    });
    if (result === null) return { entry: { kind: 'missing' }, price: undefined };
    const price = tieredFromLibraryPrice(result.model_price);
    const entry: MemoEntry = Array.isArray(result.model.prices) ? { kind: 'time-dependent' } : { kind: 'fixed', price };
    return { entry, price };
  }

  return function resolveGenaiPrice(query: PriceQuery): TieredModelPrice | undefined {
    const key = `${query.pricingProviderId}\u0000${query.model}`;
    const remembered = memo.get(key);
    if (remembered?.kind === 'fixed') return remembered.price;
    if (remembered?.kind === 'missing') return undefined;
    const { entry, price } = lookUp(query);
    if (remembered === undefined) {
      if (memo.size >= capacity) memo.delete(memo.keys().next().value as string);
      memo.set(key, entry);
    }
    return price;
  };
}

/** Converts the library's price record (USD per MTok, maybe tiered) to integer nanos. */
export function tieredFromLibraryPrice(record: LibraryModelPrice): TieredModelPrice {
  const requestsFee = record['requests_kcount'];
  if (typeof requestsFee === 'object') throw new TypeError('a tiered requests_kcount price is not supported');
  return {
    input: libraryRate(record['input_mtok']),
    cacheRead: libraryRate(record['cache_read_mtok']),
    cacheWrite5m: libraryRate(record['cache_write_mtok']),
    cacheWrite1h: libraryRate(record['cache_write_1h_mtok']),
    output: libraryRate(record['output_mtok']),
    reasoning: libraryRate(record['output_reasoning_mtok']),
    perThousandRequestsNanos: requestsFee === undefined ? undefined : usdToNanos(requestsFee),
  };
}

type LibraryRate = LibraryModelPrice[string];

function libraryRate(rate: LibraryRate): number | TieredRate | undefined {
  if (rate === undefined) return undefined;
  if (typeof rate === 'number') return usdToNanos(rate);
  const tiers: RateTier[] = rate.tiers
    .map((tier) => ({ aboveInputTokens: tier.start, nanosPerMTok: usdToNanos(tier.price) }))
    .sort((left, right) => left.aboveInputTokens - right.aboveInputTokens);
  return { baseNanosPerMTok: usdToNanos(rate.base), tiers };
}

import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { createGenaiPricesResolver, tieredFromLibraryPrice } from './genai-prices-resolver.js';

const AT = Date.parse('2025-09-01T12:00:00Z');

function countingCalcPrice(): { calculatePrice: typeof calcPrice; lookups: string[] } {
  const lookups: string[] = [];
  const calculatePrice: typeof calcPrice = (usage, model, options) => {
    lookups.push(`${options?.providerId}/${model}@${options?.timestamp?.toISOString()}`);
    return calcPrice(usage, model, options);
  };
  return { calculatePrice, lookups };
}

describe('createGenaiPricesResolver', () => {
  it('converts the library price to integer nanos per MTok', () => {
    const resolve = createGenaiPricesResolver();
    expect(resolve({ pricingProviderId: 'openai', model: 'gpt-4o-mini', at: AT })).toEqual({
      input: 150_000_000,
      cacheRead: 75_000_000,
      cacheWrite5m: undefined,
      cacheWrite1h: undefined,
      output: 600_000_000,
      reasoning: undefined,
      perThousandRequestsNanos: undefined,
    });
  });

  it('looks each (provider, model) up once, misses included', () => {
    const { calculatePrice, lookups } = countingCalcPrice();
    const resolve = createGenaiPricesResolver({ calculatePrice });
    resolve({ pricingProviderId: 'openai', model: 'gpt-4o', at: AT });
    resolve({ pricingProviderId: 'openai', model: 'gpt-4o', at: AT + 1 });
    expect(resolve({ pricingProviderId: 'openai', model: 'no-such-model', at: AT })).toBeUndefined();
    expect(resolve({ pricingProviderId: 'openai', model: 'no-such-model', at: AT })).toBeUndefined();
    expect(lookups).toHaveLength(2);
  });

  it('forgets the oldest lookup beyond its capacity', () => {
    const { calculatePrice, lookups } = countingCalcPrice();
    const resolve = createGenaiPricesResolver({ calculatePrice, capacity: 2 });
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'gpt-4o-mini', 'gpt-4o']) {
      resolve({ pricingProviderId: 'openai', model, at: AT });
    }
    // gpt-4o was evicted by o3-mini; gpt-4o-mini was still remembered.
    expect(lookups.map((lookup) => lookup.split('@')[0])).toEqual([
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
      'openai/o3-mini',
      'openai/gpt-4o',
    ]);
  });

  it('looks time-dependent prices up on every call, at the call time', () => {
    const { calculatePrice, lookups } = countingCalcPrice();
    const resolve = createGenaiPricesResolver({ calculatePrice });
    const before = resolve({ pricingProviderId: 'openai', model: 'o3', at: Date.parse('2025-01-01T00:00:00Z') });
    const after = resolve({ pricingProviderId: 'openai', model: 'o3', at: Date.parse('2025-07-01T00:00:00Z') });
    expect(before?.input).toBe(10_000_000_000);
    expect(after?.input).toBe(2_000_000_000);
    expect(lookups).toEqual(['openai/o3@2025-01-01T00:00:00.000Z', 'openai/o3@2025-07-01T00:00:00.000Z']);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => createGenaiPricesResolver({ capacity: 0 })).toThrow(RangeError);
  });
});

describe('tieredFromLibraryPrice', () => {
  it('converts tiered prices and sorts the tiers', () => {
    const price = tieredFromLibraryPrice({
      input_mtok: { base: 1.25, tiers: [{ start: 500_000, price: 5 }, { start: 200_000, price: 2.5 }] },
      output_mtok: 10,
      requests_kcount: 12,
      web_searches_kcount: 10,
    });
    expect(price.input).toEqual({
      baseNanosPerMTok: 1_250_000_000,
      tiers: [
        { aboveInputTokens: 200_000, nanosPerMTok: 2_500_000_000 },
        { aboveInputTokens: 500_000, nanosPerMTok: 5_000_000_000 },
      ],
    });
    expect(price.output).toBe(10_000_000_000);
    expect(price.perThousandRequestsNanos).toBe(12_000_000_000);
  });
});

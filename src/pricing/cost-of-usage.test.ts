import { describe, expect, it } from 'vitest';
import { usageOf } from '../core/usage.js';
import { costOfUsage } from './cost-of-usage.js';
import type { TieredModelPrice } from './tiered-model-price.js';

const usage = usageOf;

function price(rates: Partial<TieredModelPrice>): TieredModelPrice {
  return {
    input: undefined,
    cacheRead: undefined,
    cacheWrite5m: undefined,
    cacheWrite1h: undefined,
    output: undefined,
    reasoning: undefined,
    perThousandRequestsNanos: undefined,
    ...rates,
  };
}

describe('costOfUsage', () => {
  it('rounds half-up once, on the total', () => {
    // 3 tokens × $0.0375/MTok = 3 × 37,500,000 / 1e6 = 112.5 nanos → 113
    expect(costOfUsage(usage({ inputTokens: 3 }), price({ input: 37_500_000 }), 'x')).toEqual({ kind: 'priced', nanos: 113 });
    // 1 token × $0.0374999/MTok = 37.4999 nanos → 37
    expect(costOfUsage(usage({ inputTokens: 1 }), price({ input: 37_499_900 }), 'x')).toEqual({ kind: 'priced', nanos: 37 });
  });

  it('does not round each bucket on its own', () => {
    // 1 × 37.5 + 1 × 12.5 = 50 nanos exactly; rounding per bucket would give 38 + 13 = 51.
    const result = costOfUsage(
      usage({ inputTokens: 1, cacheReadTokens: 1 }),
      price({ input: 37_500_000, cacheRead: 12_500_000 }),
      'x',
    );
    expect(result).toEqual({ kind: 'priced', nanos: 50 });
  });

  it('ignores undefined buckets but calls usage with none reported unknown', () => {
    const flat = price({ input: 1_000_000_000, output: 2_000_000_000 });
    // 10 × 1000 nanos/token = 10,000 nanos; output undefined contributes nothing.
    expect(costOfUsage(usage({ inputTokens: 10 }), flat, 'x')).toEqual({ kind: 'priced', nanos: 10_000 });
    expect(costOfUsage(usage({}), flat, 'acme/model')).toEqual({ kind: 'unknown', reason: 'usage not reported for acme/model' });
  });

  it('never invents a price for tokens in an unpriced bucket', () => {
    const result = costOfUsage(
      usage({ inputTokens: 10, cacheWrite1hTokens: 5 }),
      price({ input: 1_000_000_000, cacheWrite5m: 1_250_000_000 }),
      'acme/model',
    );
    expect(result).toEqual({ kind: 'unknown', reason: 'no cache_write_1h price for acme/model (5 cache_write_1h tokens)' });
  });

  it('lets zero tokens sit in an unpriced bucket', () => {
    const result = costOfUsage(usage({ inputTokens: 10, cacheWrite1hTokens: 0 }), price({ input: 1_000_000_000 }), 'x');
    expect(result).toEqual({ kind: 'priced', nanos: 10_000 });
  });

  it('bills reasoning at the reasoning rate, else the output rate', () => {
    const tokens = usage({ outputTokens: 100, reasoningTokens: 200 });
    // 100 × 8000 + 200 × 8000 = 2,400,000 nanos
    expect(costOfUsage(tokens, price({ output: 8_000_000_000 }), 'x')).toEqual({ kind: 'priced', nanos: 2_400_000 });
    // 100 × 8000 + 200 × 3000 = 1,400,000 nanos
    expect(costOfUsage(tokens, price({ output: 8_000_000_000, reasoning: 3_000_000_000 }), 'x')).toEqual({
      kind: 'priced',
      nanos: 1_400_000,
    });
    expect(costOfUsage(usage({ reasoningTokens: 1 }), price({ input: 1 }), 'x')).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('no reasoning price'),
    });
  });

  it('refuses token counts that are negative or fractional', () => {
    const flat = price({ input: 1_000_000_000 });
    expect(costOfUsage(usage({ inputTokens: -1 }), flat, 'x')).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('invalid input token count -1') });
    expect(costOfUsage(usage({ inputTokens: 1.5 }), flat, 'x')).toMatchObject({ kind: 'unknown' });
  });

  it('picks the tier by total input tokens, strictly above the threshold', () => {
    const tiered = price({
      input: { baseNanosPerMTok: 1_000_000_000, tiers: [{ aboveInputTokens: 100, nanosPerMTok: 2_000_000_000 }] },
      cacheRead: 500_000_000,
    });
    // 100 total input is not above 100: 100 × 1000 = 100,000 nanos
    expect(costOfUsage(usage({ inputTokens: 100 }), tiered, 'x')).toEqual({ kind: 'priced', nanos: 100_000 });
    // 60 uncached + 41 cache read = 101 total → tier: 60 × 2000 + 41 × 500 = 120,000 + 20,500 = 140,500
    expect(costOfUsage(usage({ inputTokens: 60, cacheReadTokens: 41 }), tiered, 'x')).toEqual({ kind: 'priced', nanos: 140_500 });
  });

  it('cannot pick a tier when input was not reported', () => {
    const tiered = price({ output: { baseNanosPerMTok: 1, tiers: [{ aboveInputTokens: 100, nanosPerMTok: 2 }] } });
    expect(costOfUsage(usage({ outputTokens: 5 }), tiered, 'acme/model')).toEqual({
      kind: 'unknown',
      reason: 'acme/model is priced by input size, but input tokens were not reported',
    });
  });

  it('adds a per-request fee', () => {
    // $12 per 1,000 requests = 12,000,000 nanos per request, plus 1,000 × 1000 = 1,000,000 for input.
    const result = costOfUsage(
      usage({ inputTokens: 1_000 }),
      price({ input: 1_000_000_000, perThousandRequestsNanos: 12_000_000_000 }),
      'x',
    );
    expect(result).toEqual({ kind: 'priced', nanos: 13_000_000 });
  });
});

import { describe, expect, it } from 'vitest';
import type { CostInput } from '../core/price.js';
import { usageOf, type Usage } from '../core/usage.js';
import { createCostCalculator } from './cost-calculator.js';
import { priceFromUsdPerMTok } from './price-from-usd.js';

// Golden values are worked by hand from the prices in @pydantic/genai-prices 0.1.8.
// $X per MTok is X × 1000 nanos per token.

const NOW = Date.parse('2025-09-01T12:00:00Z');

const usage = usageOf;

function call(pricingProviderId: string | undefined, model: string, buckets: Partial<Usage>, at = NOW): CostInput {
  return { providerId: pricingProviderId ?? 'local', pricingProviderId, model, usage: usage(buckets), at };
}

const calculator = createCostCalculator();

describe('createCostCalculator with library prices', () => {
  it('prices gpt-4o with cached input', () => {
    // $2.50 in / $1.25 cached / $10 out. Prompt 1,000 of which 200 cached, 100 output:
    // 800 × 2500 + 200 × 1250 + 100 × 10000 = 2,000,000 + 250,000 + 1,000,000 = 3,250,000
    const result = calculator.cost(call('openai', 'gpt-4o', { inputTokens: 800, cacheReadTokens: 200, outputTokens: 100 }));
    expect(result).toEqual({ kind: 'priced', nanos: 3_250_000, source: 'genai-prices' });
  });

  it('prices gpt-4o-mini', () => {
    // $0.15 / $0.075 / $0.60: 1,000 × 150 + 500 × 75 + 200 × 600 = 150,000 + 37,500 + 120,000 = 307,500
    const result = calculator.cost(call('openai', 'gpt-4o-mini', { inputTokens: 1_000, cacheReadTokens: 500, outputTokens: 200 }));
    expect(result).toEqual({ kind: 'priced', nanos: 307_500, source: 'genai-prices' });
  });

  it('prices one cached gpt-4o-mini token at 75 nanos', () => {
    // 1 × $0.075/MTok = 75 nanos (micro-dollars would say 0)
    const result = calculator.cost(call('openai', 'gpt-4o-mini', { inputTokens: 0, cacheReadTokens: 1, outputTokens: 0 }));
    expect(result).toEqual({ kind: 'priced', nanos: 75, source: 'genai-prices' });
  });

  it('bills o3-mini reasoning tokens at the output rate', () => {
    // $1.10 / $0.55 / $4.40: 1,000 × 1100 + 500 × 550 + 200 × 4400 + 800 × 4400
    // = 1,100,000 + 275,000 + 880,000 + 3,520,000 = 5,775,000
    const result = calculator.cost(
      call('openai', 'o3-mini', { inputTokens: 1_000, cacheReadTokens: 500, outputTokens: 200, reasoningTokens: 800 }),
    );
    expect(result).toEqual({ kind: 'priced', nanos: 5_775_000, source: 'genai-prices' });
  });

  it('prices a cheap embedding call that micro-dollars would round to zero', () => {
    // text-embedding-3-small $0.02/MTok: 7 × 20 = 140 nanos = 0.14 micro-dollars
    const result = calculator.cost(call('openai', 'text-embedding-3-small', { inputTokens: 7 }));
    expect(result).toEqual({ kind: 'priced', nanos: 140, source: 'genai-prices' });
    expect(Math.round(140 / 1_000)).toBe(0);
  });

  it('prices Anthropic cache writes for both lifetimes', () => {
    // claude-3-5-haiku: $0.80 in, $1 5m write, $1.60 1h write, $0.08 read, $4 out:
    // 100 × 800 + 2,000 × 1000 + 1,000 × 1600 + 3,000 × 80 + 300 × 4000
    // = 80,000 + 2,000,000 + 1,600,000 + 240,000 + 1,200,000 = 5,120,000
    const result = calculator.cost(
      call('anthropic', 'claude-3-5-haiku-latest', {
        inputTokens: 100,
        cacheWrite5mTokens: 2_000,
        cacheWrite1hTokens: 1_000,
        cacheReadTokens: 3_000,
        outputTokens: 300,
      }),
    );
    expect(result).toEqual({ kind: 'priced', nanos: 5_120_000, source: 'genai-prices' });
  });

  it('says unknown for 1h cache writes on a model without that price', () => {
    const result = calculator.cost(call('openai', 'gpt-4o', { inputTokens: 10, cacheWrite1hTokens: 10 }));
    expect(result).toEqual({ kind: 'unknown', reason: 'no cache_write_1h price for openai/gpt-4o (10 cache_write_1h tokens)' });
  });

  it('picks the Gemini long-context tier by total input tokens', () => {
    // gemini-2.5-pro: $1.25 / $0.125 / $10 up to 200k input; $2.50 / $0.25 / $15 above.
    // 250,000 + 10,000 cached = 260,000 > 200,000:
    // 250,000 × 2500 + 10,000 × 250 + 1,000 × 15000 = 625,000,000 + 2,500,000 + 15,000,000 = 642,500,000
    const above = calculator.cost(call('google', 'gemini-2.5-pro', { inputTokens: 250_000, cacheReadTokens: 10_000, outputTokens: 1_000 }));
    expect(above).toEqual({ kind: 'priced', nanos: 642_500_000, source: 'genai-prices' });
    // 100,000 × 1250 + 1,000 × 10000 = 125,000,000 + 10,000,000 = 135,000,000
    const below = calculator.cost(call('google', 'gemini-2.5-pro', { inputTokens: 100_000, outputTokens: 1_000 }));
    expect(below).toEqual({ kind: 'priced', nanos: 135_000_000, source: 'genai-prices' });
    // exactly 200,000 is not above the threshold: 200,000 × 1250 = 250,000,000
    const boundary = calculator.cost(call('google', 'gemini-2.5-pro', { inputTokens: 200_000 }));
    expect(boundary).toEqual({ kind: 'priced', nanos: 250_000_000, source: 'genai-prices' });
  });

  it('uses the price in force at the time of the call', () => {
    // o3 cost $10 in / $40 out until 2025-06-10, then $2 / $8.
    // before: 1,000 × 10000 + 100 × 40000 = 14,000,000; after: 1,000 × 2000 + 100 × 8000 = 2,800,000
    const tokens = { inputTokens: 1_000, outputTokens: 100 };
    expect(calculator.cost(call('openai', 'o3', tokens, Date.parse('2025-01-01T00:00:00Z')))).toMatchObject({ nanos: 14_000_000 });
    expect(calculator.cost(call('openai', 'o3', tokens, Date.parse('2025-07-01T00:00:00Z')))).toMatchObject({ nanos: 2_800_000 });
  });

  it('uses time-of-day prices', () => {
    // deepseek-chat input: $0.27 from 00:30 to 16:30 UTC, $0.135 otherwise.
    // 1,000 × 270 = 270,000 at 10:00; 1,000 × 135 = 135,000 at 17:00
    const tokens = { inputTokens: 1_000 };
    expect(calculator.cost(call('deepseek', 'deepseek-chat', tokens, Date.parse('2025-09-01T10:00:00Z')))).toMatchObject({ nanos: 270_000 });
    expect(calculator.cost(call('deepseek', 'deepseek-chat', tokens, Date.parse('2025-09-01T17:00:00Z')))).toMatchObject({ nanos: 135_000 });
  });

  it('adds the per-request fee the library lists', () => {
    // perplexity sonar: $1 in, $1 out, $12 per 1,000 requests:
    // 1,000 × 1000 + 100 × 1000 + 12,000,000 = 13,100,000
    const result = calculator.cost(call('perplexity', 'sonar', { inputTokens: 1_000, outputTokens: 100 }));
    expect(result).toEqual({ kind: 'priced', nanos: 13_100_000, source: 'genai-prices' });
  });

  it('says unknown for a model the library does not know', () => {
    const result = calculator.cost(call('openai', 'gpt-nonexistent', { inputTokens: 1 }));
    expect(result).toEqual({ kind: 'unknown', reason: 'no price for model gpt-nonexistent at provider openai' });
  });

  it('says unknown for a provider without a pricing-library id', () => {
    const result = calculator.cost(call(undefined, 'llama-3-8b', { inputTokens: 1 }));
    expect(result).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('no price for model llama-3-8b at provider local') });
  });

  it('says unknown when no usage was reported', () => {
    expect(calculator.cost(call('openai', 'gpt-4o', {}))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('usage not reported') });
  });
});

describe('createCostCalculator with overrides', () => {
  it('prefers a config price over the library, keyed by the configured provider id', () => {
    const negotiated = createCostCalculator({
      overrides: new Map([['openai-eu/gpt-4o', priceFromUsdPerMTok({ input: 2, cacheRead: 1, output: 8 })]]),
    });
    // 800 × 2000 + 200 × 1000 + 100 × 8000 = 1,600,000 + 200,000 + 800,000 = 2,600,000
    const input: CostInput = {
      providerId: 'openai-eu',
      pricingProviderId: 'openai',
      model: 'gpt-4o',
      usage: usage({ inputTokens: 800, cacheReadTokens: 200, outputTokens: 100 }),
      at: NOW,
    };
    expect(negotiated.cost(input)).toEqual({ kind: 'priced', nanos: 2_600_000, source: 'config' });
    expect(negotiated.cost({ ...input, providerId: 'openai' })).toEqual({ kind: 'priced', nanos: 3_250_000, source: 'genai-prices' });
  });

  it('prices a model marked free at zero, flagged as config', () => {
    const selfHosted = createCostCalculator({ overrides: new Map([['local/llama-3-8b', 'free']]) });
    expect(selfHosted.cost(call(undefined, 'llama-3-8b', { inputTokens: 5_000, outputTokens: 500 }))).toEqual({
      kind: 'priced',
      nanos: 0,
      source: 'config',
    });
  });

  it('keeps an override honest about buckets it does not price', () => {
    const partial = createCostCalculator({ overrides: new Map([['local/m', priceFromUsdPerMTok({ input: 1 })]]) });
    expect(partial.cost(call(undefined, 'm', { inputTokens: 1, outputTokens: 1 }))).toEqual({
      kind: 'unknown',
      reason: 'no output price for local/m (1 output tokens)',
    });
  });

  it('rejects an override that is not integer nanos when built', () => {
    const fractional = { ...priceFromUsdPerMTok({ input: 1 }), outputNanosPerMTok: 1.5 };
    expect(() => createCostCalculator({ overrides: new Map([['openai/gpt-4o', fractional]]) })).toThrow(
      /openai\/gpt-4o: outputNanosPerMTok must be a non-negative integer/,
    );
  });

  it('reports a failing price lookup as unknown instead of throwing', () => {
    const failing = createCostCalculator({
      resolvePrice: () => {
        throw new Error('bad data');
      },
    });
    expect(failing.cost(call('openai', 'gpt-4o', { inputTokens: 1 }))).toEqual({
      kind: 'unknown',
      reason: 'price lookup failed for openai/gpt-4o: bad data',
    });
  });
});

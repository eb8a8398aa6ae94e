import { describe, expect, it } from 'vitest';
import { totalInputTokens, usageOf } from '../../core/usage.js';
import { createCostCalculator } from '../../pricing/cost-calculator.js';
import { readJsonFixture } from './__fixtures__/anthropic-replay.js';
import { mergeAnthropicUsage, normaliseAnthropicUsage, openAIUsageOf } from './anthropic-usage.js';
import type { AnthropicMessage, AnthropicUsage } from './anthropic-wire.js';

// Golden values are worked by hand. Prices checked against the installed @pydantic/genai-prices
// 0.1.8 (node: calcPrice(..., 'claude-sonnet-4-5', { providerId: 'anthropic' })): Claude Sonnet 4.5
// costs $3 input, $3.75 5-minute cache write, $6 1-hour cache write, $0.30 cache read and $15 output
// per MTok up to 200k input tokens. $X per MTok is X × 1000 nanos per token.

const calculator = createCostCalculator();
const at = Date.parse('2025-10-15T12:00:00Z');

describe('normaliseAnthropicUsage', () => {
  it('keeps the documented 1-hour-cache usage in disjoint buckets, using the TTL split and not the sum', async () => {
    // prompt-caching docs: input 2048, cache read 1800, cache writes 248 = 148 (5m) + 100 (1h), output 503.
    const { usage: raw } = await readJsonFixture<{ usage: AnthropicUsage }>('usage-cache-ttl-split.json');
    const usage = normaliseAnthropicUsage(raw);

    expect(usage).toStrictEqual({
      inputTokens: 2048,
      cacheReadTokens: 1800,
      cacheWrite5mTokens: 148,
      cacheWrite1hTokens: 100,
      outputTokens: 503,
      reasoningTokens: undefined,
    });
    // The docs' total: cache_read_input_tokens + cache_creation_input_tokens + input_tokens = 4096.
    expect(totalInputTokens(usage)).toBe(1800 + 248 + 2048);
  });

  it('prices that usage at Claude Sonnet 4.5 rates to 15,384,000 nanos, not the double-counted 16,314,000', async () => {
    const { usage: raw } = await readJsonFixture<{ usage: AnthropicUsage }>('usage-cache-ttl-split.json');
    // input       2048 × 3000  =  6,144,000
    // cache read  1800 ×  300  =    540,000
    // 5m write     148 × 3750  =    555,000
    // 1h write     100 × 6000  =    600,000
    // output       503 × 15000 =  7,545,000
    // total                      15,384,000 nanos = $0.015384 (4,096 input tokens: the base tier)
    // Adding cache_creation_input_tokens (248) as 5m writes on top of the split would add
    // 248 × 3750 = 930,000: the known double-count bug.
    const result = calculator.cost({ providerId: 'anthropic', pricingProviderId: 'anthropic', model: 'claude-sonnet-4-5', usage: normaliseAnthropicUsage(raw), at });
    expect(result).toStrictEqual({ kind: 'priced', nanos: 15_384_000, source: 'genai-prices' });
  });

  it('reads the pre-warm answer (a pure 5-minute write) and does not add its per-iteration copy of the counts', async () => {
    const message = await readJsonFixture<AnthropicMessage>('message-prewarm-cache-write.json');
    const usage = normaliseAnthropicUsage(message.usage);
    expect(usage).toStrictEqual({
      inputTokens: 8,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 5120,
      cacheWrite1hTokens: 0,
      outputTokens: 0,
      reasoningTokens: undefined,
    });
    expect(totalInputTokens(usage)).toBe(5128);
  });

  it('counts cache_creation_input_tokens as 5-minute writes when there is no TTL split, leaving 1-hour unknown', () => {
    // A response from before the split existed (hand-made input): 2,000 tokens written to the cache.
    const usage = normaliseAnthropicUsage({ input_tokens: 100, cache_creation_input_tokens: 2000, cache_read_input_tokens: 0, output_tokens: 50 });
    expect(usage).toStrictEqual(usageOf({ inputTokens: 100, cacheReadTokens: 0, cacheWrite5mTokens: 2000, outputTokens: 50 }));
    // claude-3-5-haiku: $0.80 in, $1 5m write, $4 out: 100 × 800 + 2,000 × 1000 + 50 × 4000 = 2,280,000
    const result = calculator.cost({ providerId: 'anthropic', pricingProviderId: 'anthropic', model: 'claude-3-5-haiku-latest', usage, at });
    expect(result).toStrictEqual({ kind: 'priced', nanos: 2_280_000, source: 'genai-prices' });
  });

  it('says unknown, not zero, for every field Anthropic did not send (missing or null)', () => {
    expect(normaliseAnthropicUsage(undefined)).toStrictEqual(usageOf({}));
    expect(normaliseAnthropicUsage({ output_tokens: 15 })).toStrictEqual(usageOf({ outputTokens: 15 }));
    expect(normaliseAnthropicUsage({ input_tokens: 25, cache_read_input_tokens: null, cache_creation: null })).toStrictEqual(usageOf({ inputTokens: 25 }));
  });

  it('leaves thinking inside outputTokens: reasoningTokens stays unknown even when a breakdown is sent', () => {
    const usage = normaliseAnthropicUsage({ input_tokens: 50, output_tokens: 503, output_tokens_details: { thinking_tokens: 412 } });
    expect(usage.outputTokens).toBe(503);
    expect(usage.reasoningTokens).toBeUndefined();
  });
});

describe('mergeAnthropicUsage', () => {
  it('lets message_delta\'s cumulative counts win field by field, keeping message_start\'s for the rest', () => {
    // The streaming docs' web-search example: message_start, then a message_delta carrying input too.
    const start = { input_tokens: 2679, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 };
    const delta = { input_tokens: 10682, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 510, server_tool_use: { web_search_requests: 1 } };
    expect(mergeAnthropicUsage(start, delta)).toStrictEqual(delta);
    // The basic example's message_delta carries output only.
    expect(mergeAnthropicUsage({ input_tokens: 25, output_tokens: 1 }, { output_tokens: 15 })).toStrictEqual({ input_tokens: 25, output_tokens: 15 });
    expect(mergeAnthropicUsage({ input_tokens: 25, cache_read_input_tokens: 7, output_tokens: 1 }, { cache_read_input_tokens: null, output_tokens: 15 })).toStrictEqual({
      input_tokens: 25,
      cache_read_input_tokens: 7,
      output_tokens: 15,
    });
    expect(mergeAnthropicUsage(undefined, undefined)).toBeUndefined();
  });
});

describe('openAIUsageOf', () => {
  it('rebuilds OpenAI\'s overlapping usage: prompt = input + reads + writes, cached = reads', () => {
    expect(openAIUsageOf(usageOf({ inputTokens: 2048, cacheReadTokens: 1800, cacheWrite5mTokens: 148, cacheWrite1hTokens: 100, outputTokens: 503 }))).toStrictEqual({
      prompt_tokens: 4096,
      completion_tokens: 503,
      total_tokens: 4599,
      prompt_tokens_details: { cached_tokens: 1800 },
    });
    expect(openAIUsageOf(usageOf({ outputTokens: 15 }))).toStrictEqual({ completion_tokens: 15 });
    expect(openAIUsageOf(usageOf({}))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { calcPrice } from '@pydantic/genai-prices';
import { usageOf, type Usage } from '../../core/usage.js';
import { createCostCalculator } from '../../pricing/cost-calculator.js';
import { normaliseGeminiUsage, openAIUsageFromGemini } from './gemini-usage.js';
import { readGeminiJson } from './__fixtures__/gemini-replay.js';

// Golden values worked by hand from recorded usageMetadata (see __fixtures__/SOURCES.md) and the
// prices installed with @pydantic/genai-prices (asserted first, so a price update fails loudly here
// instead of silently moving the goldens).

const calculator = createCostCalculator();
const at = Date.parse('2025-09-01T00:00:00Z');

function nanosFor(model: string, usage: Usage): number {
  const result = calculator.cost({ providerId: 'gemini', pricingProviderId: 'google', model, usage, at });
  if (result.kind !== 'priced') throw new Error(`no price: ${result.reason}`);
  return result.nanos;
}

async function usageMetadataOf(fixture: string): Promise<unknown> {
  return ((await readGeminiJson(fixture)) as { usageMetadata: unknown }).usageMetadata;
}

describe('normaliseGeminiUsage', () => {
  it('uses the prices the goldens were worked with', () => {
    const flash = calcPrice({ input_tokens: 0, output_tokens: 0 }, 'gemini-2.5-flash', { providerId: 'google', timestamp: new Date(at) });
    const pro = calcPrice({ input_tokens: 0, output_tokens: 0 }, 'gemini-2.5-pro', { providerId: 'google', timestamp: new Date(at) });
    expect(flash?.provider.id).toBe('google');
    expect(flash?.model_price).toMatchObject({ input_mtok: 0.3, cache_read_mtok: 0.03, output_mtok: 2.5 });
    expect(flash?.model_price.output_reasoning_mtok).toBeUndefined();
    expect(pro?.model_price).toMatchObject({
      input_mtok: { base: 1.25, tiers: [{ start: 200_000, price: 2.5 }] },
      cache_read_mtok: { base: 0.125, tiers: [{ start: 200_000, price: 0.25 }] },
      output_mtok: { base: 10, tiers: [{ start: 200_000, price: 15 }] },
    });
  });

  it('thinking model (2.5 flash): thoughts are reasoning, billed at the output rate', async () => {
    // prompt 14, candidates 2, thoughts 24, total 40.
    const usage = normaliseGeminiUsage(await usageMetadataOf('generate-content-thinking.json'));
    expect(usage).toStrictEqual(usageOf({ inputTokens: 14, cacheReadTokens: 0, outputTokens: 2, reasoningTokens: 24 }));
    // 14 × $0.30 + (2 + 24) × $2.50 per MTok = 4,200 + 65,000 = 69,200 nanos. Without thoughts: 9,200.
    expect(nanosFor('gemini-2.5-flash', usage)).toBe(69_200);
  });

  it('implicit cache hit (2.5 flash): cached tokens leave the input bucket', async () => {
    // prompt 12,013 of which cached 11,243; candidates 15; thoughts 73; total 12,101.
    const usage = normaliseGeminiUsage(await usageMetadataOf('generate-content-implicit-cache.json'));
    expect(usage).toStrictEqual(usageOf({ inputTokens: 770, cacheReadTokens: 11_243, outputTokens: 15, reasoningTokens: 73 }));
    // 770 × $0.30 + 11,243 × $0.03 + 88 × $2.50 per MTok = 231,000 + 337,290 + 220,000 nanos.
    expect(nanosFor('gemini-2.5-flash', usage)).toBe(788_290);
  });

  it('thinking + function call (2.5 pro, base tier)', async () => {
    // prompt 38, candidates 8, thoughts 501, total 547.
    const usage = normaliseGeminiUsage(await usageMetadataOf('generate-content-thinking-function-call.json'));
    expect(usage).toStrictEqual(usageOf({ inputTokens: 38, cacheReadTokens: 0, outputTokens: 8, reasoningTokens: 501 }));
    // 38 × $1.25 + 509 × $10 per MTok = 47,500 + 5,090,000 nanos.
    expect(nanosFor('gemini-2.5-pro', usage)).toBe(5_137_500);
  });

  it('2.5 pro above 200k input: every bucket moves to the long-context tier, judged on cached + uncached input', () => {
    const usage = normaliseGeminiUsage({ promptTokenCount: 250_000, cachedContentTokenCount: 200_000, candidatesTokenCount: 1_000, thoughtsTokenCount: 2_000 });
    expect(usage).toStrictEqual(usageOf({ inputTokens: 50_000, cacheReadTokens: 200_000, outputTokens: 1_000, reasoningTokens: 2_000 }));
    // 50,000 × $2.50 + 200,000 × $0.25 + 3,000 × $15 per MTok = $0.125 + $0.05 + $0.045.
    expect(nanosFor('gemini-2.5-pro', usage)).toBe(220_000_000);
    // "Prompts <= 200k tokens" stay on the base tier; one more token does not.
    expect(nanosFor('gemini-2.5-pro', normaliseGeminiUsage({ promptTokenCount: 200_000 }))).toBe(250_000_000);
    expect(nanosFor('gemini-2.5-pro', normaliseGeminiUsage({ promptTokenCount: 200_001 }))).toBe(500_002_500);
  });

  it('tool-use prompt tokens are outside promptTokenCount and billed as input', async () => {
    // prompt 12, toolUse 65, candidates 60, thoughts 82: 12 + 65 + 60 + 82 = 219 = totalTokenCount.
    const metadata = await usageMetadataOf('usage-metadata-tool-use.json');
    const usage = normaliseGeminiUsage(metadata);
    expect(usage).toStrictEqual(usageOf({ inputTokens: 77, cacheReadTokens: 0, outputTokens: 60, reasoningTokens: 82 }));
    expect(openAIUsageFromGemini(usage, metadata)?.total_tokens).toBe((metadata as { totalTokenCount: number }).totalTokenCount);
  });

  it('an absent count beside promptTokenCount is a known zero; without promptTokenCount nothing is assumed', async () => {
    // A plain 2.0-flash answer: no cachedContentTokenCount, no thoughtsTokenCount.
    expect(normaliseGeminiUsage(await usageMetadataOf('generate-content-text.json'))).toStrictEqual(
      usageOf({ inputTokens: 7, cacheReadTokens: 0, outputTokens: 22, reasoningTokens: 0 }),
    );
    // A blocked prompt: only the prompt was counted.
    expect(normaliseGeminiUsage(await usageMetadataOf('generate-content-prompt-blocked.json'))).toStrictEqual(
      usageOf({ inputTokens: 9, cacheReadTokens: 0, outputTokens: 0, reasoningTokens: 0 }),
    );
    expect(normaliseGeminiUsage({ candidatesTokenCount: 5 })).toStrictEqual(usageOf({ outputTokens: 5 }));
    expect(normaliseGeminiUsage(undefined)).toStrictEqual(usageOf({}));
    expect(normaliseGeminiUsage({ promptTokenCount: -1, candidatesTokenCount: 'many' })).toStrictEqual(usageOf({}));
  });
});

describe('openAIUsageFromGemini', () => {
  it('reports OpenAI-shaped usage whose total matches Gemini totalTokenCount', async () => {
    const metadata = await usageMetadataOf('generate-content-implicit-cache.json');
    expect(openAIUsageFromGemini(normaliseGeminiUsage(metadata), metadata)).toStrictEqual({
      prompt_tokens: 12_013,
      completion_tokens: 88,
      total_tokens: 12_101,
      prompt_tokens_details: { cached_tokens: 11_243 },
      completion_tokens_details: { reasoning_tokens: 73 },
    });
  });

  it('reports no usage when Gemini sent none', () => {
    expect(openAIUsageFromGemini(usageOf({}), undefined)).toBeUndefined();
  });
});

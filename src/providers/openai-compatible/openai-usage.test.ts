import { describe, expect, it } from 'vitest';
import { normaliseOpenAIUsage } from './openai-usage.js';

describe('normaliseOpenAIUsage', () => {
  it('splits cached prompt tokens out of prompt_tokens (never billed twice)', () => {
    const usage = normaliseOpenAIUsage({
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(usage).toEqual({
      inputTokens: 86,
      cacheReadTokens: 1920,
      cacheWrite5mTokens: undefined,
      cacheWrite1hTokens: undefined,
      outputTokens: 300,
      reasoningTokens: 0,
    });
  });

  it('splits o-series reasoning tokens out of completion_tokens', () => {
    const usage = normaliseOpenAIUsage({
      prompt_tokens: 75,
      completion_tokens: 1186,
      completion_tokens_details: { reasoning_tokens: 1024 },
    });
    expect(usage.outputTokens).toBe(162);
    expect(usage.reasoningTokens).toBe(1024);
    expect(usage.cacheReadTokens).toBeUndefined();
    expect(usage.inputTokens).toBe(75);
  });

  it('says unknown, not zero, when the provider sent no usage', () => {
    const usage = normaliseOpenAIUsage(undefined);
    expect(Object.keys(usage)).toHaveLength(6);
    expect(Object.values(usage).every((bucket) => bucket === undefined)).toBe(true);
  });

  it('reads DeepSeek prompt_cache_hit_tokens as cache reads', () => {
    const usage = normaliseOpenAIUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 });
    expect(usage.cacheReadTokens).toBe(64);
    expect(usage.inputTokens).toBe(36);
  });
});

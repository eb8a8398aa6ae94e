import type { OpenAIUsage } from '../../core/chat-request.js';
import type { Usage } from '../../core/usage.js';

/**
 * OpenAI's usage overlaps: `prompt_tokens` includes `cached_tokens` and `completion_tokens`
 * includes `reasoning_tokens`. Tollgate's buckets are disjoint, so the parts are subtracted out.
 * A detail the provider did not send stays `undefined` (the whole prompt then counts as uncached,
 * which is how such a provider bills it). DeepSeek's `prompt_cache_hit_tokens` is read too.
 */
export function normaliseOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  const promptTokens = readCount(usage?.prompt_tokens);
  const completionTokens = readCount(usage?.completion_tokens);
  const cachedTokens = readCount(usage?.prompt_tokens_details?.cached_tokens) ?? readCount(usage?.['prompt_cache_hit_tokens']);
  const reasoningTokens = readCount(usage?.completion_tokens_details?.reasoning_tokens);
  return {
    inputTokens: promptTokens === undefined ? undefined : Math.max(0, promptTokens - (cachedTokens ?? 0)),
    cacheReadTokens: cachedTokens,
    cacheWrite5mTokens: undefined,
    cacheWrite1hTokens: undefined,
    outputTokens: completionTokens === undefined ? undefined : Math.max(0, completionTokens - (reasoningTokens ?? 0)),
    reasoningTokens,
  };
}

function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

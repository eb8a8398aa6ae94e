import type { OpenAIUsage } from './chat-request.js';
import type { Usage } from './usage.js';

/** Rebuilds OpenAI's overlapping usage object from Tollgate's disjoint buckets. */
export function toOpenAIUsage(usage: Usage): OpenAIUsage {
  const cached = usage.cacheReadTokens ?? 0;
  const prompt = (usage.inputTokens ?? 0) + cached + (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0);
  const reasoning = usage.reasoningTokens ?? 0;
  const completion = (usage.outputTokens ?? 0) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

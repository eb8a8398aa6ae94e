import type { OpenAIUsage } from '../../core/chat-request.js';
import { totalInputTokens, totalOutputTokens, unknownUsage, type Usage } from '../../core/usage.js';

/**
 * Gemini's `usageMetadata` into Tollgate's disjoint buckets. Money depends on this, so each rule
 * is spelled out (field meanings: https://ai.google.dev/api/generate-content#UsageMetadata):
 *
 * - `promptTokenCount` INCLUDES `cachedContentTokenCount` ("when cached content is set, this is
 *   still the total effective prompt size"), so uncached input = prompt − cached.
 * - `toolUsePromptTokenCount` (content fetched by built-in tools such as URL context or Search) is
 *   NOT inside `promptTokenCount` (`totalTokenCount` = prompt + toolUse + candidates + thoughts) and
 *   is billed as input, so it is added to the uncached input bucket. `@pydantic/genai-prices`'
 *   own Gemini extractor does the same.
 * - `candidatesTokenCount` is visible output; `thoughtsTokenCount` is reasoning, billed at the output
 *   rate and NOT inside `candidatesTokenCount`. Leaving thoughts out under-bills thinking models.
 * - Gemini has no cache-write charge on requests (explicit caches are billed as storage), so both
 *   cache-write buckets stay `undefined`.
 *
 * Absent counts: Gemini's JSON is proto3, which leaves out any count that is zero. So when the
 * metadata carries `promptTokenCount`, a missing `cachedContentTokenCount`, `candidatesTokenCount`,
 * `thoughtsTokenCount` or `toolUsePromptTokenCount` is a known 0 (Firebase's reference for the same
 * field: "If implicit caching is not active or no content was cached, this will be 0"). Without
 * `promptTokenCount` (or without metadata at all) nothing is assumed: missing counts stay unknown.
 */
export function normaliseGeminiUsage(metadata: unknown): Usage {
  if (typeof metadata !== 'object' || metadata === null) return unknownUsage;
  const record = metadata as Record<string, unknown>;
  const prompt = readCount(record['promptTokenCount']);
  const countOf = (field: string): number | undefined => readCount(record[field]) ?? (prompt === undefined ? undefined : 0);
  const cached = countOf('cachedContentTokenCount');
  const toolUse = countOf('toolUsePromptTokenCount');
  return {
    inputTokens: prompt === undefined ? undefined : Math.max(0, prompt - (cached ?? 0)) + (toolUse ?? 0),
    cacheReadTokens: cached,
    cacheWrite5mTokens: undefined,
    cacheWrite1hTokens: undefined,
    outputTokens: countOf('candidatesTokenCount'),
    reasoningTokens: countOf('thoughtsTokenCount'),
  };
}

/**
 * The OpenAI-shaped `usage` of a translated response, derived from the normalised buckets so the
 * two cannot disagree: `prompt_tokens` = uncached + cached input (so it includes tool-use prompt
 * tokens), `completion_tokens` = visible + reasoning output. `undefined` when Gemini sent no usage.
 */
export function openAIUsageFromGemini(usage: Usage, metadata: unknown): OpenAIUsage | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const promptTokens = totalInputTokens(usage);
  const completionTokens = totalOutputTokens(usage);
  const result: OpenAIUsage = {};
  if (promptTokens !== undefined) result.prompt_tokens = promptTokens;
  if (completionTokens !== undefined) result.completion_tokens = completionTokens;
  if (promptTokens !== undefined || completionTokens !== undefined) result.total_tokens = (promptTokens ?? 0) + (completionTokens ?? 0);
  if (usage.cacheReadTokens !== undefined) result.prompt_tokens_details = { cached_tokens: usage.cacheReadTokens };
  if (usage.reasoningTokens !== undefined) result.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return result;
}

function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

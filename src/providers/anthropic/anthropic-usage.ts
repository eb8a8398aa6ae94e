import type { OpenAIUsage } from '../../core/chat-request.js';
import { totalInputTokens, type Usage } from '../../core/usage.js';
import type { AnthropicUsage } from './anthropic-wire.js';

/**
 * Anthropic's usage is already disjoint, so no bucket is subtracted from another:
 *
 * - `input_tokens` counts only the input after the last cache breakpoint: it EXCLUDES cache reads
 *   and cache writes ("total = cache_read_input_tokens + cache_creation_input_tokens +
 *   input_tokens", prompt-caching docs).
 * - Cache writes: `cache_creation_input_tokens` is the sum of `cache_creation.ephemeral_5m_input_tokens`
 *   and `cache_creation.ephemeral_1h_input_tokens`. When the split is present it is used and the sum
 *   is ignored; counting both is the double-count bug. Without the split (older responses), the sum
 *   is a 5-minute write, the only kind there was, and the 1-hour bucket stays unknown.
 * - `output_tokens` includes extended-thinking tokens. Anthropic does not split them out
 *   (`output_tokens_details.thinking_tokens`, where sent, is documented as an approximate,
 *   read-only breakdown with `output_tokens` the billing total), so `reasoningTokens` stays
 *   `undefined`. The cost is still right: thinking is billed at the output rate.
 *
 * A field that is missing, `null` or not a count is `undefined`, never 0.
 */
export function normaliseAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const split = usage?.cache_creation;
  const write5m = readCount(split?.ephemeral_5m_input_tokens);
  const write1h = readCount(split?.ephemeral_1h_input_tokens);
  const hasSplit = write5m !== undefined || write1h !== undefined;
  return {
    inputTokens: readCount(usage?.input_tokens),
    cacheReadTokens: readCount(usage?.cache_read_input_tokens),
    cacheWrite5mTokens: hasSplit ? write5m : readCount(usage?.cache_creation_input_tokens),
    cacheWrite1hTokens: hasSplit ? write1h : undefined,
    outputTokens: readCount(usage?.output_tokens),
    reasoningTokens: undefined,
  };
}

/**
 * A stream's usage: `message_start` carries the input side (and a provisional `output_tokens`),
 * `message_delta` the final, cumulative counts (output always, sometimes input and cache fields).
 * Each field of the delta that is present wins; the start fills the rest. `undefined` when
 * neither event carried usage.
 */
export function mergeAnthropicUsage(
  start: AnthropicUsage | undefined,
  delta: AnthropicUsage | undefined,
): AnthropicUsage | undefined {
  if (start === undefined) return delta;
  if (delta === undefined) return start;
  const merged: AnthropicUsage = { ...start };
  for (const [field, value] of Object.entries(delta)) {
    if (value !== undefined && value !== null) merged[field] = value;
  }
  return merged;
}

/**
 * OpenAI's overlapping usage rebuilt from the disjoint buckets, for the `chat.completion` body:
 * `prompt_tokens` = uncached input + cache reads + cache writes, `cached_tokens` = cache reads,
 * `completion_tokens` = output (thinking included). `undefined` when nothing is known.
 */
export function openAIUsageOf(usage: Usage): OpenAIUsage | undefined {
  const promptTokens = totalInputTokens(usage);
  const completionTokens = usage.outputTokens;
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  const openAIUsage: OpenAIUsage = {};
  if (promptTokens !== undefined) openAIUsage.prompt_tokens = promptTokens;
  if (completionTokens !== undefined) openAIUsage.completion_tokens = completionTokens;
  if (promptTokens !== undefined && completionTokens !== undefined) openAIUsage.total_tokens = promptTokens + completionTokens;
  if (usage.cacheReadTokens !== undefined) openAIUsage.prompt_tokens_details = { cached_tokens: usage.cacheReadTokens };
  return openAIUsage;
}

function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

import { totalOutputTokens, type Usage } from '../../core/usage.js';
import type { AnthropicDeltaUsage, AnthropicUsage } from './anthropic-wire-types.js';

/**
 * Anthropic's usage from Tollgate's disjoint buckets (never from OpenAI's overlapping numbers):
 * `input_tokens` is the uncached input, cache writes are the 5-minute plus 1-hour buckets,
 * `output_tokens` is visible output plus reasoning (Anthropic bills thinking as output).
 * Anthropic's format has no "unknown" for input and output, so an unknown count is sent as 0;
 * callers warn when that happens (`describeUnknownUsage`). Unknown cache counts are `null`.
 */
export function toAnthropicUsage(usage: Usage): AnthropicUsage {
  const cacheWrite = cacheWriteTokens(usage);
  const result: AnthropicUsage = {
    input_tokens: usage.inputTokens ?? 0,
    output_tokens: totalOutputTokens(usage) ?? 0,
    cache_creation_input_tokens: cacheWrite ?? null,
    cache_read_input_tokens: usage.cacheReadTokens ?? null,
  };
  if (cacheWrite !== undefined) {
    result.cache_creation = { ephemeral_5m_input_tokens: usage.cacheWrite5mTokens ?? 0, ephemeral_1h_input_tokens: usage.cacheWrite1hTokens ?? 0 };
  }
  return result;
}

/** `message_delta` usage: the final totals, each input-side field only when the upstream said. */
export function toAnthropicDeltaUsage(usage: Usage | undefined): AnthropicDeltaUsage {
  const delta: AnthropicDeltaUsage = { output_tokens: (usage === undefined ? undefined : totalOutputTokens(usage)) ?? 0 };
  if (usage === undefined) return delta;
  const cacheWrite = cacheWriteTokens(usage);
  if (usage.inputTokens !== undefined) delta.input_tokens = usage.inputTokens;
  if (cacheWrite !== undefined) delta.cache_creation_input_tokens = cacheWrite;
  if (usage.cacheReadTokens !== undefined) delta.cache_read_input_tokens = usage.cacheReadTokens;
  return delta;
}

/** A warning naming the counts sent as 0 because the upstream did not report them, or `undefined`. */
export function describeUnknownUsage(usage: Usage | undefined): string | undefined {
  const unknown: string[] = [];
  if (usage?.inputTokens === undefined) unknown.push('input_tokens');
  if (usage === undefined || totalOutputTokens(usage) === undefined) unknown.push('output_tokens');
  return unknown.length === 0 ? undefined : `the upstream did not report ${unknown.join(', ')}; sent as 0`;
}

function cacheWriteTokens(usage: Usage): number | undefined {
  if (usage.cacheWrite5mTokens === undefined && usage.cacheWrite1hTokens === undefined) return undefined;
  return (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0);
}

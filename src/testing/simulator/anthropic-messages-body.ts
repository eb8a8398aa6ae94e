/**
 * Renders a planned Anthropic reply as a non-streaming `message` object:
 * `{id, type: "message", role: "assistant", model, content, stop_reason, stop_sequence, usage}`
 * with content blocks in Anthropic's order (thinking, then text or tool_use).
 */
import type { AnthropicCacheUsage } from './anthropic-prompt-cache.js';
import type { PlannedReply } from './reply-plan.js';
import type { TokenizedText } from './text-generator.js';

export interface AnthropicUsage {
  readonly input_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
  readonly cache_creation: { readonly ephemeral_5m_input_tokens: number; readonly ephemeral_1h_input_tokens: number };
  readonly output_tokens: number;
  readonly service_tier: 'standard';
}

export interface AnthropicMessagePlan {
  readonly id: string;
  /** The model name reported back (a dated snapshot for an alias). */
  readonly model: string;
  readonly thinking: { readonly text: TokenizedText; readonly signature: string } | undefined;
  readonly reply: PlannedReply;
  /** `toolu_…`, when the reply is a tool call. */
  readonly toolUseId: string | undefined;
  readonly usage: AnthropicUsage;
}

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

const stopReasons: Readonly<Record<PlannedReply['stop'], AnthropicStopReason>> = {
  end: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_use',
};

export function anthropicStopReason(reply: PlannedReply): AnthropicStopReason {
  return stopReasons[reply.stop];
}

/** `input_tokens` excludes what was read from or written to the cache, as Anthropic reports it. */
export function anthropicUsage(promptTokens: number, cache: AnthropicCacheUsage, outputTokens: number): AnthropicUsage {
  const written = cache.write5mTokens + cache.write1hTokens;
  return {
    input_tokens: promptTokens - cache.readTokens - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cache.readTokens,
    cache_creation: { ephemeral_5m_input_tokens: cache.write5mTokens, ephemeral_1h_input_tokens: cache.write1hTokens },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** The content blocks in their final form. A text block is omitted only when thinking used up `max_tokens`. */
export function anthropicContentBlocks(plan: AnthropicMessagePlan): object[] {
  const blocks: object[] = [];
  if (plan.thinking !== undefined) blocks.push({ type: 'thinking', thinking: plan.thinking.text.tokens.join(''), signature: plan.thinking.signature });
  const { toolUse } = plan.reply;
  if (toolUse !== undefined) blocks.push({ type: 'tool_use', id: plan.toolUseId, name: toolUse.name, input: toolUse.input });
  else if (plan.reply.text.tokens.length > 0 || plan.thinking === undefined) blocks.push({ type: 'text', text: plan.reply.text.tokens.join('') });
  return blocks;
}

export function renderAnthropicMessage(plan: AnthropicMessagePlan): string {
  return JSON.stringify({
    id: plan.id,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: anthropicContentBlocks(plan),
    stop_reason: anthropicStopReason(plan.reply),
    stop_sequence: plan.reply.stopSequence ?? null,
    usage: plan.usage,
  });
}

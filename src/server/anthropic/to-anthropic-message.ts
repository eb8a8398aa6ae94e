import type { ChatCompletionChoice, ChatMessage } from '../../core/chat-request.js';
import type { ModelResponse } from '../../core/model-call.js';
import { anthropicStopReasons, type AnthropicContentBlock, type AnthropicMessage, type AnthropicRedactedThinkingBlock, type AnthropicThinkingBlock } from './anthropic-wire-types.js';
import { finishReasonOfOpenAI, toAnthropicStop } from './to-anthropic-stop-reason.js';
import { describeUnknownUsage, toAnthropicUsage } from './to-anthropic-usage.js';

export interface AnthropicMessageOptions {
  readonly requestId: string;
  /** The model the client asked for (the logical name), as Anthropic echoes the request's model. */
  readonly model: string;
  readonly stopSequences: readonly string[] | undefined;
}

/**
 * A `msg_…` id: the upstream's own when it already is an Anthropic message id, else derived from
 * Tollgate's request id, so the id a client logs leads straight to the ledger rows.
 */
export function anthropicMessageId(upstreamId: string | undefined, requestId: string): string {
  if (upstreamId !== undefined && upstreamId.startsWith('msg_')) return upstreamId;
  return `msg_${requestId.replaceAll('-', '')}`;
}

/**
 * Translates a neutral (OpenAI `chat.completion`) response into an Anthropic message: reasoning
 * becomes a `thinking` block, then text (or the refusal), then one `tool_use` block per tool call.
 * Usage comes from the disjoint buckets. Returns warnings for what could not be carried faithfully.
 */
export function toAnthropicMessage(response: ModelResponse, options: AnthropicMessageOptions): { message: AnthropicMessage; warnings: string[] } {
  const warnings: string[] = [];
  const choice: ChatCompletionChoice | undefined = response.body.choices[0];
  const message: ChatMessage = choice?.message ?? { role: 'assistant' };
  const content: AnthropicContentBlock[] = [];

  const signedThinking = thinkingBlocksOf(message['thinking_blocks']);
  const reasoning = message['reasoning_content'] ?? message['reasoning'];
  if (signedThinking.length > 0) content.push(...signedThinking);
  else if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  const text = textOf(message.content);
  if (text !== '') content.push({ type: 'text', text });
  const refusal = message['refusal'];
  if (typeof refusal === 'string' && refusal !== '') content.push({ type: 'text', text: refusal });
  for (const call of message.tool_calls ?? []) {
    const input = parseToolInput(call.function.arguments);
    if (input === undefined) warnings.push(`tool call ${call.id} arguments are not a JSON object; sent as an empty input`);
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: input ?? {} });
  }

  const finishReason = typeof refusal === 'string' && refusal !== '' ? 'content-filter' : finishReasonOfOpenAI(choice?.finish_reason);
  const upstream = upstreamStop(choice);
  const stop = toAnthropicStop(finishReason, upstream.rawReason ?? choice?.finish_reason ?? undefined, upstream.matched, options.stopSequences);
  const unknownUsage = describeUnknownUsage(response.usage);
  if (unknownUsage !== undefined) warnings.push(unknownUsage);
  return {
    message: {
      id: anthropicMessageId(response.body.id, options.requestId),
      type: 'message',
      role: 'assistant',
      model: options.model,
      content,
      stop_reason: stop.stopReason,
      stop_sequence: stop.stopSequence,
      usage: toAnthropicUsage(response.usage),
    },
    warnings,
  };
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Parsed tool arguments; `{}` for empty arguments, `undefined` when they are not a JSON object. */
function parseToolInput(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What an upstream says on the choice beyond OpenAI's `finish_reason`: the Anthropic adapter keeps
 * the raw `stop_reason` and `stop_sequence`; vLLM names the matched stop string in `stop_reason`.
 */
function upstreamStop(choice: ChatCompletionChoice | undefined): { rawReason: string | undefined; matched: string | undefined } {
  const stopReason = choice?.['stop_reason'];
  const stopSequence = choice?.['stop_sequence'];
  const isAnthropicReason = typeof stopReason === 'string' && anthropicStopReasons.has(stopReason);
  return {
    rawReason: isAnthropicReason ? stopReason : undefined,
    matched: typeof stopSequence === 'string' ? stopSequence : typeof stopReason === 'string' && !isAnthropicReason ? stopReason : undefined,
  };
}

/** Signed thinking blocks an Anthropic upstream returned (`thinking_blocks`), copied field by field. */
function thinkingBlocksOf(value: unknown): Array<AnthropicThinkingBlock | AnthropicRedactedThinkingBlock> {
  if (!Array.isArray(value)) return [];
  const blocks: Array<AnthropicThinkingBlock | AnthropicRedactedThinkingBlock> = [];
  for (const block of value as unknown[]) {
    if (typeof block !== 'object' || block === null) continue;
    const fields = block as Record<string, unknown>;
    if (fields['type'] === 'thinking' && typeof fields['thinking'] === 'string') {
      blocks.push({ type: 'thinking', thinking: fields['thinking'], signature: typeof fields['signature'] === 'string' ? fields['signature'] : '' });
    } else if (fields['type'] === 'redacted_thinking' && typeof fields['data'] === 'string') {
      blocks.push({ type: 'redacted_thinking', data: fields['data'] });
    }
  }
  return blocks;
}

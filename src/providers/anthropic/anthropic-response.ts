import type { ChatCompletionBody, ChatMessage, ChatToolCall } from '../../core/chat-request.js';
import type { FinishReason } from '../../core/stream-part.js';
import type { Usage } from '../../core/usage.js';
import { openAIUsageOf } from './anthropic-usage.js';
import type { AnthropicMessage } from './anthropic-wire.js';

/**
 * Anthropic's `stop_reason` as the neutral finish reason. `model_context_window_exceeded` is a
 * truncation like `max_tokens`; `pause_turn` and reasons added later are `other` (the raw value
 * travels beside it).
 */
export function mapAnthropicStopReason(stopReason: string): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}

const openAIFinishReasons: Readonly<Record<FinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

/**
 * An Anthropic Message as an OpenAI `chat.completion`: text blocks joined into `content` (`null`
 * when there are none), thinking into `reasoning_content`, `tool_use` into `tool_calls` with the
 * input as JSON text. Non-standard fields keep what OpenAI's shape has no room for: the raw
 * `stop_reason` / `stop_sequence` on the choice, and the thinking blocks with their signatures on the
 * message (`thinking_blocks`, which the request translation sends back on the next turn).
 * `created` is in seconds, from the injected clock.
 */
export function toChatCompletion(message: AnthropicMessage, created: number, usage: Usage): ChatCompletionBody {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: Array<Record<string, unknown>> = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of Array.isArray(message.content) ? message.content : []) {
    if (block.type === 'text' && typeof block['text'] === 'string') {
      texts.push(block['text']);
    } else if (block.type === 'thinking' && typeof block['thinking'] === 'string') {
      reasoning.push(block['thinking']);
      thinkingBlocks.push(block);
    } else if (block.type === 'redacted_thinking') {
      thinkingBlocks.push(block);
    } else if (block.type === 'tool_use' && typeof block['id'] === 'string' && typeof block['name'] === 'string') {
      toolCalls.push({ id: block['id'], type: 'function', function: { name: block['name'], arguments: JSON.stringify(block['input'] ?? {}) } });
    }
  }

  const chatMessage: ChatMessage = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
  if (reasoning.length > 0) chatMessage['reasoning_content'] = reasoning.join('');
  if (thinkingBlocks.length > 0) chatMessage['thinking_blocks'] = thinkingBlocks;
  if (toolCalls.length > 0) chatMessage.tool_calls = toolCalls;

  const stopReason = typeof message.stop_reason === 'string' ? message.stop_reason : null;
  const completion: ChatCompletionBody = {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: chatMessage,
        finish_reason: stopReason === null ? null : openAIFinishReasons[mapAnthropicStopReason(stopReason)],
        logprobs: null,
        stop_reason: stopReason,
        stop_sequence: message.stop_sequence ?? null,
      },
    ],
  };
  const openAIUsage = openAIUsageOf(usage);
  if (openAIUsage !== undefined) completion.usage = openAIUsage;
  return completion;
}

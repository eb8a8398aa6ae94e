import type { ChatCompletionChunkBody } from '../../core/chat-request.js';
import type { FinishReason, StreamPart } from '../../core/stream-part.js';
import { normaliseOpenAIUsage } from './openai-usage.js';

/** Maps OpenAI's `finish_reason` to the neutral one; the raw value is kept beside it. */
export function mapOpenAIFinishReason(value: string): FinishReason {
  switch (value) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

/**
 * Translates one OpenAI chunk into typed parts, appending to `parts`. `isFirst` adds a
 * `stream-start` part. Reasoning text from OpenAI-compatible servers (`reasoning_content`,
 * `reasoning`) becomes `reasoning-delta`.
 */
export function appendChunkParts(chunk: ChatCompletionChunkBody, isFirst: boolean, parts: StreamPart[]): void {
  if (isFirst) parts.push({ type: 'stream-start', id: chunk.id, model: chunk.model, created: chunk.created });
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  for (const choice of choices) {
    const delta = choice.delta ?? {};
    const choiceIndex = choice.index ?? 0;
    const reasoning = delta['reasoning_content'] ?? delta['reasoning'];
    if (typeof reasoning === 'string' && reasoning !== '') parts.push({ type: 'reasoning-delta', choiceIndex, text: reasoning });
    if (typeof delta.content === 'string' && delta.content !== '') parts.push({ type: 'text-delta', choiceIndex, text: delta.content });
    if (Array.isArray(delta.tool_calls)) {
      for (const toolCall of delta.tool_calls) {
        parts.push({
          type: 'tool-call-delta',
          choiceIndex,
          toolCallIndex: toolCall.index ?? 0,
          id: toolCall.id,
          name: toolCall.function?.name,
          argumentsDelta: toolCall.function?.arguments ?? '',
        });
      }
    }
    if (typeof choice.finish_reason === 'string') {
      parts.push({ type: 'finish-reason', choiceIndex, finishReason: mapOpenAIFinishReason(choice.finish_reason), rawFinishReason: choice.finish_reason });
    }
  }
  if (chunk.usage !== undefined && chunk.usage !== null) {
    parts.push({ type: 'usage', usage: normaliseOpenAIUsage(chunk.usage), providerUsage: chunk.usage });
  }
}

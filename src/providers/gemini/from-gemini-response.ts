import type { ChatCompletionBody, ChatCompletionChoice, ChatMessage, ChatToolCall } from '../../core/chat-request.js';
import type { Usage } from '../../core/usage.js';
import { openAIFinishReasonFromGemini } from './gemini-finish-reason.js';
import { openAIUsageFromGemini } from './gemini-usage.js';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini-wire.js';

export interface GeminiResponseContext {
  /** The model the request named; used when Gemini sends no `modelVersion`. */
  readonly requestedModel: string;
  /** Unix seconds, from the injected clock. */
  readonly created: number;
  /** An id for a response Gemini sent no `responseId` for, e.g. `chatcmpl-…`. */
  readonly generateId: () => string;
}

/**
 * A Gemini `GenerateContentResponse` as an OpenAI `chat.completion`:
 * - one choice per candidate; text parts joined into `content` (`null` when there are none),
 *   thought parts (`thought: true`) joined into `reasoning_content`
 * - `functionCall` parts → `tool_calls` with `arguments` = `JSON.stringify(args)` and the id Gemini
 *   gave, else `call_<n>` (n counts the candidate's calls from 0); a thought signature rides along
 *   in `extra_content.google.thought_signature`, Google's own OpenAI-compatible convention, so it
 *   comes back on the next turn
 * - `finish_reason` mapped (see `gemini-finish-reason.ts`); Gemini's value in `native_finish_reason`
 * - a prompt blocked before any candidate (`promptFeedback.blockReason`) → one choice with
 *   `content: null` and `finish_reason: 'content_filter'`, not an exception
 */
export function fromGeminiResponse(response: GeminiGenerateContentResponse, usage: Usage, context: GeminiResponseContext): ChatCompletionBody {
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  const choices = candidates.length > 0 ? candidates.map(toChoice) : [blockedChoice(response)];
  const body: ChatCompletionBody = {
    id: typeof response.responseId === 'string' ? response.responseId : context.generateId(),
    object: 'chat.completion',
    created: context.created,
    model: typeof response.modelVersion === 'string' ? response.modelVersion : context.requestedModel,
    choices,
  };
  const openAIUsage = openAIUsageFromGemini(usage, response.usageMetadata);
  if (openAIUsage !== undefined) body.usage = openAIUsage;
  return body;
}

function toChoice(candidate: GeminiCandidate, position: number): ChatCompletionChoice {
  const parts: GeminiPart[] = Array.isArray(candidate.content?.parts) ? candidate.content.parts : [];
  const text = parts.filter((part) => typeof part.text === 'string' && part.thought !== true).map((part) => part.text);
  const thoughts = parts.filter((part) => typeof part.text === 'string' && part.thought === true).map((part) => part.text);
  const toolCalls = parts.filter((part) => part.functionCall !== undefined).map(toToolCall);

  // An empty text part beside a function call (Gemini sends them to carry a signature) is not an answer.
  const content = text.join('');
  const message: ChatMessage = { role: 'assistant', content: text.length === 0 || (content === '' && toolCalls.length > 0) ? null : content };
  if (thoughts.length > 0) message['reasoning_content'] = thoughts.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const rawFinishReason = typeof candidate.finishReason === 'string' ? candidate.finishReason : undefined;
  const choice: ChatCompletionChoice = {
    index: typeof candidate.index === 'number' ? candidate.index : position,
    message,
    finish_reason: openAIFinishReasonFromGemini(rawFinishReason ?? '', toolCalls.length > 0),
    logprobs: null,
  };
  if (rawFinishReason !== undefined) choice['native_finish_reason'] = rawFinishReason;
  return choice;
}

function toToolCall(part: GeminiPart, index: number): ChatToolCall {
  const call = part.functionCall ?? { name: '' };
  const toolCall: ChatToolCall = {
    id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
  if (typeof part.thoughtSignature === 'string') toolCall['extra_content'] = { google: { thought_signature: part.thoughtSignature } };
  return toolCall;
}

function blockedChoice(response: GeminiGenerateContentResponse): ChatCompletionChoice {
  const feedback = response.promptFeedback;
  const choice: ChatCompletionChoice = {
    index: 0,
    message: { role: 'assistant', content: null },
    finish_reason: feedback === undefined ? 'stop' : 'content_filter',
    logprobs: null,
  };
  if (typeof feedback?.blockReason === 'string') choice['native_finish_reason'] = feedback.blockReason;
  return choice;
}

import type { ChatMessage, ChatToolCall } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import type { GeminiContent, GeminiPart } from './gemini-wire.js';
import { toGeminiPart } from './to-gemini-part.js';

/**
 * Google's documented stand-in for a function call whose thought signature was not kept (history
 * from another model, or from a stream, whose parts cannot carry one). Gemini 3 rejects a model
 * turn whose first function call has no signature. https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const missingThoughtSignature = 'skip_thought_signature_validator';

export interface GeminiContents {
  readonly systemInstruction: { parts: GeminiPart[] } | undefined;
  readonly contents: GeminiContent[];
}

/**
 * OpenAI messages as Gemini `contents`:
 * - `system` / `developer` → `systemInstruction` parts, in order, wherever they appear
 * - `user` → role `user`; `assistant` → role `model`; consecutive turns of one role are merged
 * - assistant `tool_calls` → `functionCall` parts (`args` parsed from the JSON arguments), with the
 *   thought signature Tollgate returned in `extra_content.google.thought_signature`
 * - `tool` (and legacy `function`) → a `functionResponse` part in a `user` turn, named after the
 *   latest earlier assistant tool call with that id; `response` is the content's JSON object, or
 *   `{content: text}` when the content is not a JSON object
 */
export function toGeminiContents(messages: readonly ChatMessage[], warnings: string[]): GeminiContents {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const functionNames = new Map<string, string>();

  const append = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, index) => {
    const where = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        systemParts.push(...contentParts(message, where, warnings));
        break;
      case 'user':
        append('user', contentParts(message, where, warnings));
        break;
      case 'assistant':
        append('model', [...contentParts(message, where, warnings), ...functionCallParts(message.tool_calls, where, functionNames)]);
        break;
      case 'tool':
      case 'function':
        append('user', [functionResponsePart(message, where, functionNames)]);
        break;
      default:
        throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: `Unknown message role "${message.role}".`, param: `${where}.role` });
    }
  });

  for (const content of contents) {
    const firstCall = content.parts.find((part) => part.functionCall !== undefined);
    if (content.role === 'model' && firstCall !== undefined && firstCall.thoughtSignature === undefined) {
      firstCall.thoughtSignature = missingThoughtSignature;
    }
  }
  return { systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined, contents };
}

function contentParts(message: ChatMessage, where: string, warnings: string[]): GeminiPart[] {
  const content = message.content;
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' && message.role === 'assistant' ? [] : [{ text: content }];
  return content.map((part, index) => toGeminiPart(part, `${where}.content[${index}]`, warnings));
}

function functionCallParts(toolCalls: ChatToolCall[] | null | undefined, where: string, functionNames: Map<string, string>): GeminiPart[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  return toolCalls.map((toolCall, index) => {
    const name = toolCall.function?.name;
    if (typeof name !== 'string') {
      throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: 'A tool call needs a function name.', param: `${where}.tool_calls[${index}].function.name` });
    }
    if (typeof toolCall.id === 'string') functionNames.set(toolCall.id, name);
    const part: GeminiPart = { functionCall: { name, args: parseArguments(toolCall.function.arguments, `${where}.tool_calls[${index}].function.arguments`) } };
    const signature = thoughtSignatureOf(toolCall);
    if (signature !== undefined) part.thoughtSignature = signature;
    return part;
  });
}

function parseArguments(text: unknown, param: string): Record<string, unknown> {
  if (text === undefined || text === null || text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(String(text));
  } catch {
    throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: 'Tool call arguments are not valid JSON.', param });
  }
  if (!isPlainObject(value)) throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: 'Tool call arguments must be a JSON object.', param });
  return value;
}

function functionResponsePart(message: ChatMessage, where: string, functionNames: ReadonlyMap<string, string>): GeminiPart {
  const name = (message.tool_call_id === undefined ? undefined : functionNames.get(message.tool_call_id)) ?? message.name;
  if (typeof name !== 'string') {
    throw new TollgateError({
      code: 'TG_ERR_INVALID_REQUEST',
      message: `No earlier assistant tool call has id "${String(message.tool_call_id)}"; Gemini needs the function's name.`,
      param: `${where}.tool_call_id`,
    });
  }
  const text = typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text ?? '').join('');
  return { functionResponse: { name, response: responseObject(text) } };
}

function responseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (isPlainObject(value)) return value;
  } catch {
    // Not JSON: sent as text.
  }
  return { content: text };
}

function thoughtSignatureOf(toolCall: ChatToolCall): string | undefined {
  const extra = toolCall['extra_content'] as { google?: { thought_signature?: unknown } } | undefined;
  const signature = extra?.google?.thought_signature;
  return typeof signature === 'string' ? signature : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

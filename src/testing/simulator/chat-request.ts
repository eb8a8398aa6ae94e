/**
 * Lenient parsing of a chat-completions request: only the fields the simulator uses.
 * Anything else in the body is ignored, as a real provider would accept it.
 */
import { simulatorError, type SimulatorError } from './openai-error.js';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly format?: string;
  readonly description?: string;
}

export interface ChatContentPart {
  readonly type: string;
  readonly text?: string;
}

export interface ChatMessageInput {
  readonly role: string;
  readonly content?: string | readonly ChatContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly { readonly function?: { readonly name?: string; readonly arguments?: string } }[];
}

export interface ToolDefinition {
  readonly type: string;
  readonly function: { readonly name: string; readonly description?: string; readonly parameters?: JsonSchema };
}

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly schema: JsonSchema };

export interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: readonly ChatMessageInput[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly choiceCount: number;
  readonly seed: number | undefined;
  /** `max_completion_tokens` if given, else `max_tokens`. */
  readonly maxCompletionTokens: number | undefined;
  readonly tools: readonly ToolDefinition[];
  /** `undefined` means the default (`auto` when tools are present). */
  readonly toolChoice: 'none' | 'auto' | 'required' | { readonly functionName: string } | undefined;
  readonly responseFormat: ResponseFormat;
  readonly logprobs: boolean;
  readonly topLogprobs: number;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SimulatorError };

type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const unparsableJsonMessage =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

/** Parses the raw body as a JSON object, or returns OpenAI's invalid-JSON error. */
export function parseJsonBody(bodyText: string): ParseResult<JsonRecord> {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (isRecord(parsed)) return { ok: true, value: parsed };
  } catch {
    // fall through to the OpenAI-shaped error below
  }
  return { ok: false, error: simulatorError(400, unparsableJsonMessage, { type: 'invalid_request_error' }) };
}

export function parseChatCompletionRequest(body: JsonRecord): ParseResult<ChatCompletionRequest> {
  const { model, messages } = body;
  if (typeof model !== 'string' || model === '') {
    return invalid('you must provide a model parameter', null, null);
  }
  if (!Array.isArray(messages)) {
    return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (messages.length === 0) {
    return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  }
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || typeof message.role !== 'string') {
      return invalid(`Missing required parameter: 'messages[${index}].role'.`, `messages[${index}].role`, 'missing_required_parameter');
    }
  }
  const choiceCount = body.n ?? 1;
  if (typeof choiceCount !== 'number' || !Number.isInteger(choiceCount) || choiceCount < 1 || choiceCount > 128) {
    return invalid(`Invalid 'n': expected an integer between 1 and 128.`, 'n', 'invalid_value');
  }
  const maxCompletionTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxCompletionTokens !== undefined && maxCompletionTokens !== null) {
    if (typeof maxCompletionTokens !== 'number' || !Number.isInteger(maxCompletionTokens) || maxCompletionTokens < 1) {
      const param = body.max_completion_tokens === undefined ? 'max_tokens' : 'max_completion_tokens';
      return invalid(`Invalid '${param}': integer below minimum value. Expected a value >= 1.`, param, 'integer_below_min_value');
    }
  }
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  const tools = Array.isArray(body.tools) ? body.tools.filter(isToolDefinition) : [];
  return {
    ok: true,
    value: {
      model,
      messages: messages as ChatMessageInput[],
      stream: body.stream === true,
      includeUsage: streamOptions.include_usage === true,
      choiceCount,
      seed: typeof body.seed === 'number' && Number.isFinite(body.seed) ? body.seed : undefined,
      maxCompletionTokens: typeof maxCompletionTokens === 'number' ? maxCompletionTokens : undefined,
      tools,
      toolChoice: parseToolChoice(body.tool_choice),
      responseFormat: parseResponseFormat(body.response_format),
      logprobs: body.logprobs === true,
      topLogprobs: typeof body.top_logprobs === 'number' ? Math.max(0, Math.min(20, Math.floor(body.top_logprobs))) : 0,
    },
  };
}

function invalid(message: string, param: string | null, code: string | null): ParseResult<never> {
  return { ok: false, error: simulatorError(400, message, { type: 'invalid_request_error', param, code }) };
}

function isToolDefinition(value: unknown): value is ToolDefinition {
  return isRecord(value) && isRecord(value.function) && typeof value.function.name === 'string';
}

function parseToolChoice(value: unknown): ChatCompletionRequest['toolChoice'] {
  if (value === 'none' || value === 'auto' || value === 'required') return value;
  if (isRecord(value) && isRecord(value.function) && typeof value.function.name === 'string') {
    return { functionName: value.function.name };
  }
  return undefined;
}

function parseResponseFormat(value: unknown): ResponseFormat {
  if (!isRecord(value)) return { type: 'text' };
  if (value.type === 'json_object') return { type: 'json_object' };
  if (value.type === 'json_schema' && isRecord(value.json_schema) && isRecord(value.json_schema.schema)) {
    return { type: 'json_schema', schema: value.json_schema.schema as JsonSchema };
  }
  return { type: 'text' };
}

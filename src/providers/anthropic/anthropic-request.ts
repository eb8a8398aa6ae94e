import type { ChatRequestBody, ChatTool } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import { toAnthropicConversation } from './anthropic-messages.js';
import type { AnthropicCacheControl, AnthropicMessagesRequest, AnthropicTool, AnthropicToolChoice } from './anthropic-wire.js';

export interface AnthropicRequestTranslation {
  readonly request: AnthropicMessagesRequest;
  /** What could not be honoured or was filled in, for `context.warnings`. */
  readonly warnings: string[];
}

/**
 * `max_tokens` is required by Anthropic; OpenAI's is optional. When the caller gave neither
 * `max_completion_tokens` nor `max_tokens`, this default is sent (with a warning), chosen to be
 * valid for every model of the family:
 *
 * | model family                                      | default |
 * |---------------------------------------------------|---------|
 * | Claude 3 (`claude-3-haiku/sonnet/opus-*`)         | 4,096 (their output maximum) |
 * | Claude 3.5 (`claude-3-5-*`)                       | 8,192 (their output maximum) |
 * | Claude 3.7 and later (`claude-3-7-*`, `claude-{sonnet,opus,haiku}-4*`, …) | 8,192 (all allow ≥ 32,000) |
 * | anything else (a proxy's own names)               | 4,096 |
 *
 * With extended thinking, `max_tokens` must exceed `thinking.budget_tokens`, so the default is then
 * the budget plus the family default.
 */
export function defaultMaxTokens(model: string): number {
  if (/^claude-3-(haiku|sonnet|opus)/.test(model)) return 4_096;
  if (model.startsWith('claude-')) return 8_192;
  return 4_096;
}

/** The fields this translation reads; any other field the caller set is reported as not sent. */
const translatedFields = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'n', 'user', 'tools', 'tool_choice',
  'parallel_tool_calls', 'response_format', 'top_k', 'thinking', 'temperature', 'top_p', 'stop', 'logprobs', 'top_logprobs',
  'seed', 'presence_penalty', 'frequency_penalty', 'logit_bias',
]);

/**
 * The neutral (OpenAI chat-completions) body as an Anthropic Messages request. Pure: nothing is
 * sent and nothing is mutated. A setting Anthropic cannot honour becomes a warning naming it (warn,
 * don't clamp); `n` > 1 cannot be warned away and is rejected with TG_ERR_UNSUPPORTED_PARAMETER;
 * malformed input (bad tool arguments, a bad image URL) is TG_ERR_INVALID_REQUEST.
 * `stream` is left to the caller.
 */
export function toAnthropicRequest(body: ChatRequestBody, providerId: string): AnthropicRequestTranslation {
  const warnings: string[] = [];
  const notSent = (what: string) => warnings.push(`${providerId} (Anthropic) does not support ${what}; not sent`);

  if (typeof body.n === 'number' && body.n > 1) {
    throw new TollgateError({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', message: `Anthropic returns one choice per request; n=${body.n} is not supported.`, param: 'n' });
  }
  const conversation = toAnthropicConversation(body.messages, (warning) => warnings.push(warning));
  const request: AnthropicMessagesRequest = { model: body.model, max_tokens: maxTokensOf(body, warnings), messages: conversation.messages };
  if (conversation.system !== undefined) request.system = conversation.system;

  if (typeof body.stop === 'string') request.stop_sequences = [body.stop];
  else if (Array.isArray(body.stop)) request.stop_sequences = body.stop.filter((stop): stop is string => typeof stop === 'string');
  if (typeof body['temperature'] === 'number') request.temperature = body['temperature'];
  if (typeof body['top_p'] === 'number') request.top_p = body['top_p'];
  if (typeof body.top_k === 'number') request.top_k = body.top_k;
  if (isObject(body.thinking)) request.thinking = { ...body.thinking };
  if (typeof body.user === 'string' && body.user !== '') request.metadata = { user_id: body.user };

  if (Array.isArray(body.tools) && body.tools.length > 0) request.tools = body.tools.map(toolOf);
  const toolChoice = toolChoiceOf(body.tool_choice, body['parallel_tool_calls'] === false);
  if (toolChoice !== undefined) request.tool_choice = toolChoice;

  const responseFormat = body.response_format?.type;
  if (typeof responseFormat === 'string' && responseFormat !== 'text') notSent(`response_format (${responseFormat})`);
  if (body['logprobs'] === true) notSent('logprobs');
  for (const field of ['top_logprobs', 'seed'] as const) if (isSet(body[field])) notSent(field);
  for (const field of ['presence_penalty', 'frequency_penalty'] as const) if (isSet(body[field]) && body[field] !== 0) notSent(field);
  if (isObject(body['logit_bias']) && Object.keys(body['logit_bias']).length > 0) notSent('logit_bias');
  for (const [field, value] of Object.entries(body)) if (!translatedFields.has(field) && isSet(value)) notSent(field);

  return { request, warnings };
}

function maxTokensOf(body: ChatRequestBody, warnings: string[]): number {
  const given = body.max_completion_tokens ?? body.max_tokens;
  if (typeof given === 'number') return given;
  const budget = isObject(body.thinking) && typeof body.thinking['budget_tokens'] === 'number' ? body.thinking['budget_tokens'] : undefined;
  const value = defaultMaxTokens(body.model) + (budget ?? 0);
  const reason = budget === undefined ? `the default for ${body.model}` : `the default for ${body.model} plus thinking.budget_tokens ${budget}`;
  warnings.push(`Anthropic requires max_tokens and the request set none; sent max_tokens ${value} (${reason})`);
  return value;
}

function toolOf(tool: ChatTool, index: number): AnthropicTool {
  const definition = tool.function;
  if (tool.type !== 'function' || definition === undefined || typeof definition.name !== 'string') {
    throw new TollgateError({
      code: 'TG_ERR_UNSUPPORTED_PARAMETER',
      message: `tools[${index}]: only function tools can be sent to Anthropic, not "${String(tool.type)}".`,
      param: `tools[${index}]`,
    });
  }
  const anthropicTool: AnthropicTool = { name: definition.name, input_schema: definition.parameters ?? { type: 'object', properties: {} } };
  if (typeof definition.description === 'string') anthropicTool.description = definition.description;
  if (typeof definition.strict === 'boolean') anthropicTool.strict = definition.strict;
  if (tool['cache_control'] !== undefined) anthropicTool.cache_control = tool['cache_control'] as AnthropicCacheControl;
  return anthropicTool;
}

/** OpenAI's `tool_choice` (and `parallel_tool_calls: false`) as Anthropic's. */
function toolChoiceOf(toolChoice: unknown, disableParallel: boolean): AnthropicToolChoice | undefined {
  const withParallel = (choice: AnthropicToolChoice): AnthropicToolChoice =>
    disableParallel && choice.type !== 'none' ? { ...choice, disable_parallel_tool_use: true } : choice;
  if (toolChoice === undefined || toolChoice === null) return disableParallel ? withParallel({ type: 'auto' }) : undefined;
  if (toolChoice === 'auto') return withParallel({ type: 'auto' });
  if (toolChoice === 'required') return withParallel({ type: 'any' });
  if (toolChoice === 'none') return { type: 'none' };
  if (isObject(toolChoice) && toolChoice['type'] === 'function' && isObject(toolChoice['function']) && typeof toolChoice['function']['name'] === 'string') {
    return withParallel({ type: 'tool', name: toolChoice['function']['name'] });
  }
  throw new TollgateError({
    code: 'TG_ERR_INVALID_REQUEST',
    message: `tool_choice must be "auto", "required", "none" or {"type":"function","function":{"name":...}}.`,
    param: 'tool_choice',
  });
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Lenient parsing of an Anthropic Messages request (`POST /v1/messages` and
 * `/v1/messages/count_tokens`): only the fields the simulator uses are checked, with the
 * validation messages the real API gives for them; anything else is ignored.
 */
import { isRecord, type JsonSchema } from './chat-request.js';
import { hashString } from './seeded-random.js';

/** A content block as sent (untrusted JSON: every field is checked before use). */
export interface AnthropicContentBlock {
  readonly type?: unknown;
  readonly text?: unknown;
  readonly cache_control?: unknown;
  readonly [field: string]: unknown;
}

export interface AnthropicMessageInput {
  readonly role: 'user' | 'assistant';
  readonly content: string | readonly AnthropicContentBlock[];
}

export interface AnthropicToolDefinition {
  readonly name: string;
  readonly [field: string]: unknown;
}

export type AnthropicToolChoice = { readonly type: 'auto' | 'any' | 'none' } | { readonly type: 'tool'; readonly name: string };

export interface AnthropicMessagesRequest {
  readonly model: string;
  /** Absent only for count_tokens. */
  readonly maxTokens: number | undefined;
  readonly messages: readonly AnthropicMessageInput[];
  readonly system: string | readonly AnthropicContentBlock[] | undefined;
  /** Every tool as sent (server tools included, for token counting). */
  readonly tools: readonly AnthropicToolDefinition[];
  readonly toolChoice: AnthropicToolChoice | undefined;
  /** `thinking: {type: "enabled", budget_tokens}`; `undefined` when thinking is off. */
  readonly thinkingBudget: number | undefined;
  readonly stopSequences: readonly string[];
  readonly stream: boolean;
  /** Structured outputs (`output_config.format` or `output_format` of type `json_schema`). */
  readonly outputSchema: JsonSchema | undefined;
  /** Seeds the reply: a hash of `system` and `messages`. */
  readonly seed: number;
}

export type AnthropicParseResult = { readonly ok: true; readonly value: AnthropicMessagesRequest } | { readonly ok: false; readonly message: string };

const maxTokensVsBudget =
  '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';

export function parseAnthropicMessagesRequest(body: Record<string, unknown>, options: { readonly countOnly: boolean }): AnthropicParseResult {
  const { model, messages } = body;
  if (typeof model !== 'string' || model === '') return invalid(model === undefined ? 'model: Field required' : 'model: Input should be a valid string');
  const maxTokens = body.max_tokens;
  if (!options.countOnly) {
    if (maxTokens === undefined) return invalid('max_tokens: Field required');
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) return invalid('max_tokens: Input should be a valid integer');
    if (maxTokens < 1) return invalid('max_tokens: Input should be greater than or equal to 1');
  }
  if (messages === undefined) return invalid('messages: Field required');
  if (!Array.isArray(messages)) return invalid('messages: Input should be a valid list');
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message)) return invalid(`messages.${index}: Input should be a valid dictionary or object to extract fields from`);
    if (message.role === 'system') {
      return invalid('Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.');
    }
    if (message.role !== 'user' && message.role !== 'assistant') return invalid(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    if (message.content === undefined) return invalid(`messages.${index}.content: Field required`);
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) return invalid(`messages.${index}.content: Input should be a valid list`);
  }
  if (!options.countOnly && messages.length === 0) return invalid('messages: at least one message is required');
  const system = typeof body.system === 'string' || Array.isArray(body.system) ? (body.system as string | AnthropicContentBlock[]) : undefined;
  const tools = Array.isArray(body.tools) ? body.tools.filter((tool): tool is AnthropicToolDefinition => isRecord(tool) && typeof tool.name === 'string') : [];
  const toolChoice = parseToolChoice(body.tool_choice);
  const thinking = isRecord(body.thinking) ? body.thinking : undefined;
  let thinkingBudget: number | undefined;
  if (thinking?.type === 'enabled') {
    const budget = thinking.budget_tokens;
    if (budget === undefined) return invalid('thinking.enabled.budget_tokens: Field required');
    if (typeof budget !== 'number' || !Number.isInteger(budget)) return invalid('thinking.enabled.budget_tokens: Input should be a valid integer');
    if (budget < 1024) return invalid('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (typeof maxTokens === 'number' && maxTokens <= budget) return invalid(maxTokensVsBudget);
    if (toolChoice?.type === 'any' || toolChoice?.type === 'tool') return invalid('Thinking may not be enabled when tool_choice forces tool use.');
    thinkingBudget = budget;
  }
  const stopSequences = Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((sequence): sequence is string => typeof sequence === 'string') : [];
  return {
    ok: true,
    value: {
      model,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      messages: messages as AnthropicMessageInput[],
      system,
      tools,
      toolChoice,
      thinkingBudget,
      stopSequences,
      stream: body.stream === true,
      outputSchema: parseOutputSchema(body),
      seed: hashString(JSON.stringify(messages), hashString(JSON.stringify(system ?? null))),
    },
  };
}

function invalid(message: string): AnthropicParseResult {
  return { ok: false, message };
}

function parseToolChoice(value: unknown): AnthropicToolChoice | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'auto' || value.type === 'any' || value.type === 'none') return { type: value.type };
  if (value.type === 'tool' && typeof value.name === 'string') return { type: 'tool', name: value.name };
  return undefined;
}

function parseOutputSchema(body: Record<string, unknown>): JsonSchema | undefined {
  const format = isRecord(body.output_config) ? body.output_config.format : body.output_format;
  if (isRecord(format) && format.type === 'json_schema' && isRecord(format.schema)) return format.schema as JsonSchema;
  return undefined;
}

/** Only custom tools (no `type`, or `type: "custom"`) can be called by the simulator. */
export function callableTools(tools: readonly AnthropicToolDefinition[]): AnthropicToolDefinition[] {
  return tools.filter((tool) => tool.type === undefined || tool.type === 'custom');
}

/**
 * The same policy as the OpenAI side: a tool is called when tools are present and
 * `tool_choice` is not "none": the named tool, else the first. With the default/"auto"
 * choice, a conversation whose last message carries a `tool_result` is answered with text.
 */
export function chooseAnthropicTool(request: AnthropicMessagesRequest): AnthropicToolDefinition | undefined {
  const tools = callableTools(request.tools);
  const choice = request.toolChoice;
  if (tools.length === 0 || choice?.type === 'none') return undefined;
  if (choice?.type === 'tool') return tools.find((tool) => tool.name === choice.name) ?? tools[0];
  if (choice?.type === 'any') return tools[0];
  const last = request.messages[request.messages.length - 1];
  const answersToolResult = last !== undefined && Array.isArray(last.content) && last.content.some((block) => isRecord(block) && block.type === 'tool_result');
  return answersToolResult ? undefined : tools[0];
}

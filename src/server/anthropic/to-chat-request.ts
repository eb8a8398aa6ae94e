import type { ChatContentPart, ChatMessage, ChatRequestBody, ChatTool, ChatToolCall } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import {
  translatedRequestFields,
  type AnthropicContentBlockParam,
  type AnthropicDocumentBlockParam,
  type AnthropicImageBlockParam,
  type AnthropicMessageParam,
  type AnthropicRequest,
  type AnthropicTextBlockParam,
  type AnthropicToolChoiceParam,
  type AnthropicToolParam,
  type AnthropicToolResultBlockParam,
} from './anthropic-request-schema.js';

export interface TranslatedRequest {
  /** The neutral (OpenAI chat-shaped) body, with the documented Anthropic extensions. */
  readonly body: ChatRequestBody;
  /** What could not be carried over, for `x-tollgate-warning` and the ledger. */
  readonly warnings: string[];
}

/**
 * Translates a validated Anthropic Messages request into the neutral body. Pure: no I/O, no clock.
 * Throws a 400 for what the neutral format cannot express at all (server tools, blocks in the
 * wrong role); drops what it can lose without changing the conversation, with a warning.
 */
export function toChatRequest(request: AnthropicRequest): TranslatedRequest {
  const warnings: string[] = [];
  const messages: ChatMessage[] = [];
  const system = systemMessage(request.system);
  if (system !== undefined) messages.push(system);
  // Thinking history is needed only when thinking is on: Anthropic then wants it back, signed.
  const keepThinking = request.thinking !== undefined && request.thinking.type !== 'disabled';
  let droppedThinking = 0;
  request.messages.forEach((message, index) => {
    if (message.role === 'user') messages.push(...userMessages(message, index, warnings));
    else droppedThinking += appendAssistantMessage(message, index, keepThinking, messages, warnings);
  });
  if (droppedThinking > 0) warnings.push(`${droppedThinking} thinking block(s) in earlier assistant turns dropped: thinking is not enabled`);

  const body: ChatRequestBody = { model: request.model, messages };
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.stop_sequences !== undefined && request.stop_sequences.length > 0) body.stop = request.stop_sequences;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.top_k !== undefined) body.top_k = request.top_k;
  if (request.thinking !== undefined && request.thinking.type !== 'disabled') body.thinking = { ...request.thinking };
  const user = request.metadata?.user_id;
  if (typeof user === 'string' && user !== '') body.user = user;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(toChatTool);
  if (request.tool_choice !== undefined) Object.assign(body, toChatToolChoice(request.tool_choice));
  if (request.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  const ignored = Object.keys(request).filter((field) => !translatedRequestFields.has(field));
  if (ignored.length > 0) warnings.push(`ignored unsupported field(s): ${ignored.join(', ')}`);
  return { body, warnings };
}

function systemMessage(system: AnthropicRequest['system']): ChatMessage | undefined {
  if (system === undefined || system === '' || (Array.isArray(system) && system.length === 0)) return undefined;
  return { role: 'system', content: typeof system === 'string' ? system : system.map(textPart) };
}

/** Tool results become `tool` messages first (OpenAI wants them right after the tool calls); the rest one user message. */
function userMessages(message: AnthropicMessageParam, index: number, warnings: string[]): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const toolMessages: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  message.content.forEach((block, blockIndex) => {
    const where = `messages[${index}].content[${blockIndex}]`;
    switch (block.type) {
      case 'text':
        parts.push(textPart(block));
        break;
      case 'image':
        parts.push(imagePart(block));
        break;
      case 'document':
        parts.push(documentPart(block));
        break;
      case 'tool_result':
        toolMessages.push(toolResultMessage(block, where, warnings));
        break;
      default:
        throw wrongRole(block, where, 'assistant');
    }
  });
  if (parts.length === 0 && toolMessages.length > 0) return toolMessages;
  return [...toolMessages, { role: 'user', content: parts.length > 0 ? parts : '' }];
}

/**
 * Appends the assistant message; returns how many thinking blocks were dropped. Kept thinking
 * blocks travel verbatim (signatures included) as `thinking_blocks`, the field the Anthropic
 * adapter reads back and writes on its own answers.
 */
function appendAssistantMessage(message: AnthropicMessageParam, index: number, keepThinking: boolean, messages: ChatMessage[], warnings: string[]): number {
  if (typeof message.content === 'string') {
    messages.push({ role: 'assistant', content: message.content });
    return 0;
  }
  const parts: ChatContentPart[] = [];
  const toolCalls: ChatToolCall[] = [];
  const thinkingBlocks: AnthropicContentBlockParam[] = [];
  message.content.forEach((block, blockIndex) => {
    const where = `messages[${index}].content[${blockIndex}]`;
    switch (block.type) {
      case 'text':
        parts.push(textPart(block));
        break;
      case 'tool_use':
        if (block.cache_control != null) warnings.push(`cache_control on ${where} (tool_use) dropped: tool calls cannot carry it`);
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
      case 'thinking':
      case 'redacted_thinking':
        thinkingBlocks.push(block);
        break;
      default:
        throw wrongRole(block, where, 'user');
    }
  });
  const assistant: ChatMessage = { role: 'assistant', content: parts.length > 0 ? parts : toolCalls.length > 0 ? null : '' };
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  if (keepThinking && thinkingBlocks.length > 0) assistant['thinking_blocks'] = thinkingBlocks;
  messages.push(assistant);
  return keepThinking ? 0 : thinkingBlocks.length;
}

function textPart(block: AnthropicTextBlockParam): ChatContentPart {
  return withCacheControl({ type: 'text', text: block.text }, block.cache_control);
}

function imagePart(block: AnthropicImageBlockParam): ChatContentPart {
  const url = block.source.type === 'base64' ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
  return withCacheControl({ type: 'image_url', image_url: { url } }, block.cache_control);
}

/** PDFs become OpenAI `file` parts; plain-text documents become text. */
function documentPart(block: AnthropicDocumentBlockParam): ChatContentPart {
  if (block.source.type === 'text') return withCacheControl({ type: 'text', text: block.source.data }, block.cache_control);
  const file = { filename: block.title ?? 'document.pdf', file_data: `data:application/pdf;base64,${block.source.data}` };
  return withCacheControl({ type: 'file', file }, block.cache_control);
}

/**
 * A tool result's text (joined by newlines); `is_error` is said in the text, since OpenAI tool
 * messages have no error flag. `cache_control` keeps the content as one text part carrying it.
 */
function toolResultMessage(block: AnthropicToolResultBlockParam, where: string, warnings: string[]): ChatMessage {
  let text = '';
  let cacheControl = block.cache_control;
  if (typeof block.content === 'string') {
    text = block.content;
  } else if (block.content !== undefined) {
    const texts: string[] = [];
    let images = 0;
    for (const inner of block.content) {
      if (inner.type === 'text') texts.push(inner.text);
      else images++;
      cacheControl = inner.cache_control ?? cacheControl;
    }
    text = texts.join('\n');
    if (images > 0) warnings.push(`${images} image(s) in ${where} (tool_result) dropped: tool messages carry text only`);
  }
  if (block.is_error === true) text = `Error: ${text}`;
  const content = cacheControl == null ? text : [withCacheControl({ type: 'text', text }, cacheControl)];
  return { role: 'tool', tool_call_id: block.tool_use_id, content };
}

function toChatTool(tool: AnthropicToolParam, index: number): ChatTool {
  if (tool.input_schema === undefined || (tool.type !== undefined && tool.type !== 'custom')) {
    throw new TollgateError({
      code: 'TG_ERR_UNSUPPORTED_PARAMETER',
      message: `"tools[${index}]" (${tool.type ?? tool.name}) is an Anthropic server tool or has no "input_schema"; Tollgate forwards client tools with an input_schema only.`,
      param: `tools[${index}]`,
    });
  }
  const definition: NonNullable<ChatTool['function']> = { name: tool.name, parameters: tool.input_schema };
  if (tool.description !== undefined) definition.description = tool.description;
  if (tool.strict !== undefined) definition.strict = tool.strict;
  return withCacheControl({ type: 'function', function: definition }, tool.cache_control);
}

/** auto→'auto', any→'required', tool→that function, none→'none'; `disable_parallel_tool_use` → `parallel_tool_calls: false`. */
function toChatToolChoice(choice: AnthropicToolChoiceParam): { tool_choice: unknown; parallel_tool_calls?: boolean } {
  if (choice.type === 'none') return { tool_choice: 'none' };
  const toolChoice = choice.type === 'auto' ? 'auto' : choice.type === 'any' ? 'required' : { type: 'function', function: { name: choice.name } };
  return choice.disable_parallel_tool_use === true ? { tool_choice: toolChoice, parallel_tool_calls: false } : { tool_choice: toolChoice };
}

function withCacheControl<T extends Record<string, unknown>>(value: T, cacheControl: { type: string } | null | undefined): T {
  return cacheControl == null ? value : { ...value, cache_control: cacheControl };
}

function wrongRole(block: AnthropicContentBlockParam, where: string, role: 'user' | 'assistant'): TollgateError {
  return new TollgateError({
    code: 'TG_ERR_INVALID_REQUEST',
    message: `"${where}" is a ${block.type} block, which only ${role} messages may hold.`,
    param: where,
  });
}

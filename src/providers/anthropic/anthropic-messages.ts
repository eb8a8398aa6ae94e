import type { ChatContentPart, ChatMessage, ChatToolCall } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicRequestBlock,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './anthropic-wire.js';

export interface AnthropicConversation {
  readonly system: string | AnthropicTextBlock[] | undefined;
  readonly messages: AnthropicMessageParam[];
}

interface Turn {
  readonly role: 'user' | 'assistant';
  readonly blocks: AnthropicRequestBlock[];
}

/**
 * OpenAI-shaped messages to Anthropic's `system` + alternating `messages`:
 *
 * - `system` / `developer` messages become `system`: one string, or text blocks when any of them
 *   carries `cache_control` (kept). One that appears after the conversation started is moved up,
 *   with a warning: Anthropic has one system prompt, at the top.
 * - User text and images become blocks: a `data:` URL becomes a base64 source, an http(s) URL a url
 *   source. A `file` part with base64 `file_data` becomes a `document` block (its `filename` the
 *   title). `cache_control` on a part, or on the message (then on its last block), is kept.
 * - Assistant `tool_calls` become `tool_use` blocks whose `input` is the parsed `arguments`;
 *   `thinking_blocks` (the field `chat.completion` answers from this adapter carry) go first, verbatim.
 * - `tool` messages become `tool_result` blocks in a user turn; consecutive messages of the same
 *   Anthropic role are merged into one turn, as Anthropic requires alternating roles.
 */
export function toAnthropicConversation(messages: readonly ChatMessage[], warn: (warning: string) => void): AnthropicConversation {
  const systemBlocks: AnthropicTextBlock[] = [];
  const turns: Turn[] = [];
  const movedSystem: number[] = [];
  let warnedName = false;
  let warnedDetail = false;
  const onImageDetail = () => {
    if (!warnedDetail) warn('Anthropic has no image detail setting; image_url.detail was not sent');
    warnedDetail = true;
  };

  messages.forEach((message, index) => {
    const where = `messages[${index}]`;
    if (typeof message.name === 'string' && !warnedName) {
      warn('Anthropic has no per-message name; message name fields were not sent');
      warnedName = true;
    }
    let role: Turn['role'];
    let blocks: AnthropicRequestBlock[];
    switch (message.role) {
      case 'system':
      case 'developer':
        if (turns.length > 0) movedSystem.push(index);
        systemBlocks.push(...withMessageCacheControl(systemTextBlocks(message, where), message));
        return;
      case 'user':
        role = 'user';
        blocks = contentBlocks(message.content, where, onImageDetail);
        break;
      case 'assistant':
        role = 'assistant';
        blocks = assistantBlocks(message, where, onImageDetail);
        break;
      case 'tool':
        role = 'user';
        blocks = [toolResultBlock(message, where, onImageDetail)];
        break;
      default:
        throw invalidRequest(`${where}.role`, `${where}.role "${String(message.role)}" is not supported by Anthropic.`);
    }
    blocks = withMessageCacheControl(blocks, message);
    const previous = turns.at(-1);
    if (previous !== undefined && previous.role === role) previous.blocks.push(...blocks);
    else turns.push({ role, blocks });
  });

  if (movedSystem.length > 0) {
    warn(`Anthropic has one system prompt; system messages at ${movedSystem.map((index) => `messages[${index}]`).join(', ')} were moved to it`);
  }
  return { system: systemOf(systemBlocks), messages: turns.map(compactTurn) };
}

function systemOf(blocks: AnthropicTextBlock[]): AnthropicConversation['system'] {
  if (blocks.length === 0) return undefined;
  if (blocks.some((block) => block.cache_control !== undefined)) return blocks;
  return blocks.map((block) => block.text).join('\n\n');
}

/** A turn that is one plain text block is sent as a string, as Anthropic's own examples do. */
function compactTurn(turn: Turn): AnthropicMessageParam {
  const only = turn.blocks.length === 1 ? turn.blocks[0] : undefined;
  if (only !== undefined && only.type === 'text' && only.cache_control === undefined) return { role: turn.role, content: (only as AnthropicTextBlock).text };
  return { role: turn.role, content: turn.blocks };
}

function systemTextBlocks(message: ChatMessage, where: string): AnthropicTextBlock[] {
  const content = message.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  return content.map((part, partIndex) => {
    if (part.type !== 'text' || typeof part.text !== 'string') {
      throw unsupported(`${where}.content[${partIndex}]`, `${where}.content[${partIndex}]: Anthropic system prompts take text only, not "${part.type}".`);
    }
    return textBlock(part.text, part);
  });
}

type ContentBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

function contentBlocks(content: ChatMessage['content'], where: string, onImageDetail: () => void): ContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  return content.map((part, partIndex) => contentBlock(part, `${where}.content[${partIndex}]`, onImageDetail));
}

function contentBlock(part: ChatContentPart, where: string, onImageDetail: () => void): ContentBlock {
  if (part.type === 'text' && typeof part.text === 'string') return textBlock(part.text, part);
  let block: AnthropicImageBlock | AnthropicDocumentBlock;
  if (part.type === 'image_url') {
    const detail = part.image_url?.detail;
    if (detail !== undefined && detail !== 'auto') onImageDetail();
    block = imageBlock(part.image_url?.url, `${where}.image_url.url`);
  } else if (part.type === 'file') {
    block = documentBlock(part['file'], `${where}.file`);
  } else {
    throw unsupported(where, `${where}: content part type "${part.type}" is not supported by Anthropic.`);
  }
  return part['cache_control'] === undefined ? block : { ...block, cache_control: part['cache_control'] as AnthropicCacheControl };
}

function textBlock(text: string, part: ChatContentPart): AnthropicTextBlock {
  const cacheControl = part['cache_control'];
  return cacheControl === undefined ? { type: 'text', text } : { type: 'text', text, cache_control: cacheControl as AnthropicCacheControl };
}

function imageBlock(url: unknown, where: string): AnthropicImageBlock {
  if (typeof url !== 'string') throw invalidRequest(where, `${where} must be a string.`);
  if (url.startsWith('data:')) return { type: 'image', source: { type: 'base64', ...base64DataUrl(url, where) } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalidRequest(where, `${where}: an image must be a data: URL or an http(s) URL.`);
}

/** OpenAI `file` parts with inline data (`file_data`); uploaded-file ids mean nothing to Anthropic. */
function documentBlock(file: unknown, where: string): AnthropicDocumentBlock {
  const fileData = typeof file === 'object' && file !== null ? (file as Record<string, unknown>)['file_data'] : undefined;
  if (typeof fileData !== 'string') {
    throw unsupported(where, `${where}: Anthropic takes files as inline data (file_data: data:<media type>;base64,<data>) only.`);
  }
  const block: AnthropicDocumentBlock = { type: 'document', source: { type: 'base64', ...base64DataUrl(fileData, `${where}.file_data`) } };
  const filename = (file as Record<string, unknown>)['filename'];
  if (typeof filename === 'string' && filename !== '') block.title = filename;
  return block;
}

/** `data:<media type>[;…];base64,<data>` → its media type and data; anything else is rejected. */
function base64DataUrl(url: string, where: string): { media_type: string; data: string } {
  const comma = url.indexOf(',');
  const [mediaType = '', ...parameters] = (comma === -1 || !url.startsWith('data:') ? '' : url.slice(5, comma)).split(';');
  if (comma === -1 || mediaType === '' || !parameters.includes('base64')) {
    throw invalidRequest(where, `${where}: Anthropic takes base64 data URLs only (data:<media type>;base64,<data>).`);
  }
  return { media_type: mediaType, data: url.slice(comma + 1) };
}

function assistantBlocks(message: ChatMessage, where: string, onImageDetail: () => void): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [...thinkingBlocks(message['thinking_blocks'])];
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') blocks.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    content.forEach((part, partIndex) => {
      const partWhere = `${where}.content[${partIndex}]`;
      // OpenAI's assistant parts are `text` and `refusal`; both are text the model said.
      const text = part.type === 'refusal' ? part['refusal'] : part.text;
      if ((part.type === 'text' || part.type === 'refusal') && typeof text === 'string') {
        if (text !== '') blocks.push(textBlock(text, part));
      } else {
        blocks.push(contentBlock(part, partWhere, onImageDetail));
      }
    });
  }
  (message.tool_calls ?? []).forEach((toolCall, callIndex) => blocks.push(toolUseBlock(toolCall, `${where}.tool_calls[${callIndex}]`)));
  return blocks;
}

function thinkingBlocks(value: unknown): AnthropicThinkingBlock[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (block): block is AnthropicThinkingBlock =>
      typeof block === 'object' && block !== null && ((block as { type?: unknown }).type === 'thinking' || (block as { type?: unknown }).type === 'redacted_thinking'),
  );
}

function toolUseBlock(toolCall: ChatToolCall, where: string): AnthropicToolUseBlock {
  const name = toolCall.function?.name;
  if (typeof toolCall.id !== 'string' || toolCall.id === '') throw invalidRequest(`${where}.id`, `${where}.id must be a non-empty string.`);
  if (typeof name !== 'string' || name === '') throw invalidRequest(`${where}.function.name`, `${where}.function.name must be a non-empty string.`);
  return { type: 'tool_use', id: toolCall.id, name, input: parseArguments(toolCall.function.arguments, `${where}.function.arguments`) };
}

/** Anthropic wants the input as an object; OpenAI sends it as JSON text ("" meaning no arguments). */
function parseArguments(text: unknown, where: string): Record<string, unknown> {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) return {};
  let parsed: unknown;
  try {
    parsed = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalidRequest(where, `${where} is not valid JSON (${detail}); Anthropic needs tool arguments as a JSON object.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest(where, `${where} must be a JSON object; Anthropic needs tool arguments as an object.`);
  }
  return parsed as Record<string, unknown>;
}

function toolResultBlock(message: ChatMessage, where: string, onImageDetail: () => void): AnthropicToolResultBlock {
  const toolCallId = message.tool_call_id;
  if (typeof toolCallId !== 'string' || toolCallId === '') {
    throw invalidRequest(`${where}.tool_call_id`, `${where}.tool_call_id must be a non-empty string.`);
  }
  const content = typeof message.content === 'string' ? message.content : contentBlocks(message.content, where, onImageDetail);
  return { type: 'tool_result', tool_use_id: toolCallId, content };
}

/** `cache_control` on the message itself marks the end of its content: its last block. */
function withMessageCacheControl<T extends AnthropicRequestBlock>(blocks: T[], message: ChatMessage): T[] {
  const cacheControl = message['cache_control'];
  const last = blocks.at(-1);
  if (cacheControl === undefined || cacheControl === null || last === undefined || 'cache_control' in last) return blocks;
  return [...blocks.slice(0, -1), { ...last, cache_control: cacheControl as AnthropicCacheControl }];
}

function invalidRequest(param: string, message: string): TollgateError {
  return new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message, param });
}

function unsupported(param: string, message: string): TollgateError {
  return new TollgateError({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', message, param });
}

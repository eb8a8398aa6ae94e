/**
 * Input-token counting for Anthropic Messages requests, block by block, with the prefix
 * keys prompt caching needs.
 *
 * Claude's tokenizer is not public, so counts come from gpt-tokenizer (o200k_base) as an
 * approximation. The prompt is read in Anthropic's cache order, tools → system → messages:
 * each tool is its JSON (without `cache_control`); each system block its text; each message
 * starts with `\n\nHuman: ` or `\n\nAssistant: ` and then its content blocks (text as is,
 * `tool_use` as name + input JSON, `tool_result` as its text, images and documents a flat
 * 1600 tokens, thinking blocks 0 tokens because Anthropic strips them from the context); the
 * prompt ends with `\n\nAssistant:`. One user "Hello" counts 8.
 *
 * Every block is a position: the tokens up to and including it, a key hashing the whole
 * prefix (and the model's dated name), and the `cache_control` TTL when the block is a breakpoint.
 */
import type { CachedEncoder } from './cached-encoder.js';
import { isRecord } from './chat-request.js';
import type { AnthropicContentBlock, AnthropicMessagesRequest } from './anthropic-request.js';
import { hashString } from './seeded-random.js';

export type CacheTtl = '5m' | '1h';

export interface PromptPosition {
  /** Input tokens from the start of the prompt through this block. */
  readonly prefixTokens: number;
  /** Identifies the prefix through this block (model included). */
  readonly key: number;
  /** Set when this block carries `cache_control`. */
  readonly breakpointTtl: CacheTtl | undefined;
}

export interface AnthropicPrompt {
  readonly inputTokens: number;
  readonly positions: readonly PromptPosition[];
}

/** `cacheNamespace` keeps models apart: the dated model name, shared by an alias and its snapshot. */
export type AnthropicPromptTokenizer = (request: AnthropicMessagesRequest, cacheNamespace: string) => AnthropicPrompt;

const nonTextBlockTokens = 1600;
const secondHashBasis = 0x9e3779b9;

export function createAnthropicPromptTokenizer(encodeCached: CachedEncoder): AnthropicPromptTokenizer {
  const closingTokens = encodeCached('\n\nAssistant:').length;
  const headerTokens = { user: encodeCached('\n\nHuman: ').length, assistant: encodeCached('\n\nAssistant: ').length };
  return function tokenizeAnthropicPrompt(request, cacheNamespace) {
    const positions: PromptPosition[] = [];
    let total = 0;
    let hashA = hashString(cacheNamespace);
    let hashB = secondHashBasis;
    function addBlock(identity: string, tokens: number, cacheControl: unknown): void {
      total += tokens;
      hashA = hashString(identity, hashString('\u0001', hashA));
      hashB = hashString(identity, hashString('\u0001', hashB));
      positions.push({ prefixTokens: total, key: hashA * 0x100000 + (hashB & 0xfffff), breakpointTtl: breakpointTtl(cacheControl) });
    }
    for (const tool of request.tools) {
      const text = JSON.stringify(withoutCacheControl(tool));
      addBlock(`tool:${text}`, encodeCached(text).length, tool.cache_control);
    }
    const system = request.system;
    if (typeof system === 'string') {
      if (system !== '') addBlock(`system:${system}`, encodeCached(system).length, undefined);
    } else if (system !== undefined) {
      for (const block of system) {
        const rendered = renderBlock(block, encodeCached);
        addBlock(`system:${rendered.identity}`, rendered.tokens, isRecord(block) ? block.cache_control : undefined);
      }
    }
    for (const message of request.messages) {
      let header = headerTokens[message.role];
      if (typeof message.content === 'string') {
        addBlock(`${message.role}:${message.content}`, header + encodeCached(message.content).length, undefined);
        continue;
      }
      if (message.content.length === 0) addBlock(`${message.role}:`, header, undefined);
      for (const block of message.content) {
        const rendered = renderBlock(block, encodeCached);
        addBlock(`${message.role}:${rendered.identity}`, header + rendered.tokens, isRecord(block) ? block.cache_control : undefined);
        header = 0;
      }
    }
    return { inputTokens: total + closingTokens, positions };
  };
}

function renderBlock(candidate: AnthropicContentBlock | null, encodeCached: CachedEncoder): { identity: string; tokens: number } {
  // Untrusted JSON: anything that is not an object counts as its JSON text.
  if (!isRecord(candidate)) {
    const text = JSON.stringify(candidate ?? null);
    return { identity: text, tokens: encodeCached(text).length };
  }
  const block = candidate;
  switch (block.type) {
    case 'text': {
      const text = typeof block.text === 'string' ? block.text : '';
      return { identity: `text:${text}`, tokens: encodeCached(text).length };
    }
    case 'tool_use': {
      const text = `${typeof block.name === 'string' ? block.name : ''}${JSON.stringify(block.input ?? {})}`;
      return { identity: `tool_use:${text}`, tokens: encodeCached(text).length };
    }
    case 'tool_result': {
      const content = block.content;
      if (typeof content === 'string') return { identity: `tool_result:${content}`, tokens: encodeCached(content).length };
      let tokens = 0;
      let identity = 'tool_result:';
      for (const inner of Array.isArray(content) ? (content as unknown[]) : []) {
        const rendered = renderBlock(isRecord(inner) ? inner : null, encodeCached);
        tokens += rendered.tokens;
        identity += rendered.identity;
      }
      return { identity, tokens };
    }
    case 'thinking':
    case 'redacted_thinking':
      return { identity: JSON.stringify(withoutCacheControl(block)), tokens: 0 };
    case 'image':
    case 'document':
      return { identity: JSON.stringify(withoutCacheControl(block)), tokens: nonTextBlockTokens };
    default: {
      const text = JSON.stringify(withoutCacheControl(block));
      return { identity: text, tokens: encodeCached(text).length };
    }
  }
}

function withoutCacheControl(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { cache_control: _ignored, ...rest } = record;
  return rest;
}

function breakpointTtl(cacheControl: unknown): CacheTtl | undefined {
  if (!isRecord(cacheControl) || cacheControl.type !== 'ephemeral') return undefined;
  return cacheControl.ttl === '1h' ? '1h' : '5m';
}

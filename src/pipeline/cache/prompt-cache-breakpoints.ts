import type { ChatMessage, ChatRequestBody } from '../../core/chat-request.js';
import type { ModelCall, ModelRequest } from '../../core/model-call.js';
import { withBody } from '../../core/model-call.js';

export interface PromptCacheBreakpointsOptions {
  /**
   * Per logical model served by an Anthropic deployment: the shortest prefix (tokens) Anthropic
   * will cache for it. Models not listed are left untouched.
   */
  readonly minimumTokens: ReadonlyMap<string, number>;
  /** `5m` (writes cost 1.25× input) or `1h` (2×); reads cost 0.1× either way. */
  readonly ttl: '5m' | '1h';
}

/** Characters per token for the length check: an estimate (a wrong one wastes a breakpoint or misses one, nothing worse). */
const charactersPerToken = 4;

/**
 * Automatic Anthropic prompt caching: marks long, stable prefixes with `cache_control` so the
 * next request that repeats them reads them at a tenth of the input price.
 *
 * - The tool definitions and system prompt, when together they reach the model's minimum
 *   cacheable length: a breakpoint on the last system message (or, without one, the last tool).
 * - A conversation long enough to cache: a breakpoint on its last message, so the next turn
 *   reads everything before its own new message (Anthropic looks back for earlier breakpoints).
 *
 * A request that already carries any `cache_control` is the caller's choice and is left as it
 * is. OpenAI-compatible deployments drop the extension, so a model with mixed deployments is
 * safe. The exact and semantic caches key the request before this stage, so it never changes a
 * cache key. What reads save is recorded per attempt as cost avoided.
 */
export function promptCacheBreakpointsStage(options: PromptCacheBreakpointsOptions) {
  const cacheControl = options.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };

  function marked(request: ModelRequest): ModelRequest {
    const minimum = options.minimumTokens.get(request.body.model);
    if (minimum === undefined || carriesCacheControl(request.body)) return request;
    const minimumCharacters = minimum * charactersPerToken;
    const { messages } = request.body;
    const tools = request.body.tools ?? [];
    let prefixCharacters = tools.length === 0 ? 0 : JSON.stringify(tools).length;
    let lastSystem = -1;
    for (const [index, message] of messages.entries()) {
      if (message.role !== 'system' && message.role !== 'developer') continue;
      // Only a leading run of system messages is a stable prefix.
      if (index !== lastSystem + 1) break;
      prefixCharacters += contentLength(message);
      lastSystem = index;
    }
    let totalCharacters = prefixCharacters;
    for (const message of messages.slice(lastSystem + 1)) totalCharacters += contentLength(message);

    let changed = false;
    const nextMessages: ChatMessage[] = [...messages];
    let nextTools = tools;
    if (prefixCharacters >= minimumCharacters) {
      if (lastSystem >= 0) nextMessages[lastSystem] = { ...(nextMessages[lastSystem] as ChatMessage), cache_control: cacheControl } as ChatMessage;
      else nextTools = [...tools.slice(0, -1), { ...(tools[tools.length - 1] as object), cache_control: cacheControl } as unknown as (typeof tools)[number]];
      changed = true;
    }
    const conversationTurns = messages.length - (lastSystem + 1);
    if (conversationTurns >= 2 && totalCharacters >= minimumCharacters) {
      const last = nextMessages.length - 1;
      nextMessages[last] = { ...(nextMessages[last] as ChatMessage), cache_control: cacheControl } as ChatMessage;
      changed = true;
    }
    if (!changed) return request;
    const body: ChatRequestBody = { ...request.body, messages: nextMessages, ...(nextTools === tools ? {} : { tools: nextTools }) };
    return withBody(request, body);
  }

  return function promptCacheBreakpoints(next: ModelCall): ModelCall {
    return {
      generate: (request) => next.generate(marked(request)),
      stream: (request) => next.stream(marked(request)),
    };
  };
}

function carriesCacheControl(body: ChatRequestBody): boolean {
  if ((body.tools ?? []).some((tool) => (tool as { cache_control?: unknown }).cache_control !== undefined)) return true;
  for (const message of body.messages) {
    if ((message as { cache_control?: unknown }).cache_control !== undefined) return true;
    if (Array.isArray(message.content) && message.content.some((part) => (part as { cache_control?: unknown }).cache_control !== undefined)) return true;
  }
  return false;
}

function contentLength(message: ChatMessage): number {
  if (typeof message.content === 'string') return message.content.length;
  if (!Array.isArray(message.content)) return 0;
  let length = 0;
  for (const part of message.content) if (typeof part.text === 'string') length += part.text.length;
  return length;
}

import type { ChatRequestBody } from '../../core/chat-request.js';

/**
 * Requests from the Anthropic front door may carry Anthropic extensions (`top_k`, `thinking`,
 * `cache_control`, `thinking_blocks`) that OpenAI-compatible servers reject. Returns the body without them and the
 * names of what was dropped, so the caller can warn (never a silent change).
 */
export function stripAnthropicExtensions(body: ChatRequestBody): { body: ChatRequestBody; dropped: string[] } {
  const dropped = new Set<string>();
  const { top_k: topK, thinking, ...rest } = body;
  if (topK !== undefined && topK !== null) dropped.add('top_k');
  if (thinking !== undefined && thinking !== null) dropped.add('thinking');
  const withoutCacheControl = <T>(value: T): T => {
    if (typeof value !== 'object' || value === null || !('cache_control' in value)) return value;
    dropped.add('cache_control');
    const { cache_control: _cacheControl, ...kept } = value as Record<string, unknown>;
    return kept as T;
  };
  const messages = body.messages.map((message) => {
    const content = Array.isArray(message.content) ? message.content.map(withoutCacheControl) : message.content;
    const { thinking_blocks: thinkingBlocks, ...kept } = message;
    if (thinkingBlocks !== undefined) dropped.add('thinking_blocks');
    return withoutCacheControl({ ...kept, content });
  });
  const tools = Array.isArray(body.tools) ? body.tools.map(withoutCacheControl) : body.tools;
  const stripped: ChatRequestBody = { ...rest, messages };
  if (tools !== undefined) stripped.tools = tools;
  return { body: stripped, dropped: [...dropped] };
}

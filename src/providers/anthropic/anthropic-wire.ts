/**
 * The slice of Anthropic's Messages API (`anthropic-version: 2023-06-01`) this adapter writes and
 * reads. Only the fields Tollgate uses are typed; the index signatures keep everything else.
 * Reference: https://docs.claude.com/en/api/messages and .../build-with-claude/streaming.
 */

/** `{ type: 'ephemeral', ttl?: '5m' | '1h' }`; passed through untouched. */
export type AnthropicCacheControl = Readonly<Record<string, unknown>>;

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicDocumentBlock {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'text'; media_type: 'text/plain'; data: string };
  title?: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | Array<AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock>;
  cache_control?: AnthropicCacheControl;
}

/** Thinking blocks an assistant turn carries back (their signature must be kept byte for byte). */
export interface AnthropicThinkingBlock {
  type: 'thinking' | 'redacted_thinking';
  [field: string]: unknown;
}

export type AnthropicRequestBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock;

export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: string | AnthropicRequestBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: unknown;
  strict?: boolean;
  cache_control?: AnthropicCacheControl;
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** The body POSTed to `/v1/messages`. */
export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?: Record<string, unknown>;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  stream?: boolean;
}

/** `usage` on a Message, on `message_start.message` and (cumulative) on `message_delta`. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  [field: string]: unknown;
}

export type AnthropicResponseBlock =
  | { type: 'text'; text: string; [field: string]: unknown }
  | { type: 'thinking'; thinking: string; signature?: string; [field: string]: unknown }
  | { type: 'redacted_thinking'; data: string; [field: string]: unknown }
  | { type: 'tool_use'; id: string; name: string; input: unknown; [field: string]: unknown }
  | { type: string; [field: string]: unknown };

/** The non-streaming response body (and `message_start.message`, with empty `content`). */
export interface AnthropicMessage {
  id: string;
  type: 'message' | string;
  role: 'assistant' | string;
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage | null;
  [field: string]: unknown;
}

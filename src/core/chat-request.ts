/**
 * The neutral request is OpenAI chat-completions shaped: it is the lingua franca every client and
 * every adapter already speaks. Only the fields Tollgate reads are typed; everything else the client
 * sent is kept (index signature) and reaches the provider untouched.
 */
export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null; [field: string]: unknown } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  n?: number | null;
  user?: string | null;
  tools?: ChatTool[] | null;
  tool_choice?: unknown;
  response_format?: { type: string; [field: string]: unknown } | null;
  /**
   * Anthropic extensions, set only by the Anthropic front door (`context.clientFormat`):
   * `top_k`, `thinking` ({ type: 'enabled', budget_tokens }) here, `cache_control` on content
   * parts, on tools and on the system message's parts, and `thinking_blocks` (signed thinking
   * history) on assistant messages. The Anthropic adapter honours them, Gemini maps what it can
   * (`top_k`, thinking budget), OpenAI-compatible adapters drop them with a warning.
   */
  top_k?: number | null;
  thinking?: { type: string; budget_tokens?: number; [field: string]: unknown } | null;
  [field: string]: unknown;
}

export interface ChatMessage {
  role: string;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[] | null;
  tool_call_id?: string;
  [field: string]: unknown;
}

export interface ChatContentPart {
  type: string;
  text?: string;
  image_url?: { url: string; detail?: string };
  [field: string]: unknown;
}

export interface ChatTool {
  type: string;
  function?: { name: string; description?: string; parameters?: unknown; strict?: boolean | null };
  [field: string]: unknown;
}

export interface ChatToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
  [field: string]: unknown;
}

/** OpenAI `chat.completion` object, as returned to the client. */
export interface ChatCompletionBody {
  id: string;
  object: 'chat.completion' | string;
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: OpenAIUsage | null;
  [field: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatMessage;
  finish_reason: string | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

/** OpenAI's usage object. `prompt_tokens` includes cached tokens; `completion_tokens` includes reasoning. */
export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number; [field: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number; [field: string]: unknown } | null;
  [field: string]: unknown;
}

/** OpenAI `chat.completion.chunk` object. */
export interface ChatCompletionChunkBody {
  id: string;
  object: 'chat.completion.chunk' | string;
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: OpenAIUsage | null;
  [field: string]: unknown;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: {
    role?: string;
    content?: string | null;
    refusal?: string | null;
    tool_calls?: Array<{ index: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }>;
    [field: string]: unknown;
  };
  finish_reason: string | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

/**
 * Prompt token counting with the real o200k_base tokenizer (gpt-tokenizer).
 *
 * Approach: each message is rendered the way `encodeChat(messages, 'gpt-4o')` renders it,
 * `<|im_start|>{name ?? role}<|im_sep|>{content}<|im_end|>`, followed by the assistant
 * priming `<|im_start|>assistant<|im_sep|>`. For plain text this matches OpenAI's
 * `prompt_tokens` for the gpt-4o/4.1/o-series families (e.g. one user "Hello" = 8 tokens).
 * Approximations: text parts of array content are joined; each non-text part (image,
 * audio, file) counts a flat 85 tokens (OpenAI's low-detail image price); assistant tool
 * calls are rendered as `name` + `arguments`; tool definitions are rendered as one leading
 * system-like block of their JSON (OpenAI renders them differently, so expect a few tokens off).
 *
 * Encoding is the slow part (~50 µs per 200 tokens), so message contents go through a
 * bounded cache keyed by the exact string: repeated system prompts and benchmark bodies
 * are encoded once.
 */
import type { CachedEncoder } from './cached-encoder.js';
import type { ChatContentPart, ChatMessageInput, ToolDefinition } from './chat-request.js';

type ToolCallInput = NonNullable<ChatMessageInput['tool_calls']>[number];

const imStart = 200003;
const imEnd = 200004;
const imSep = 200005;
const nonTextPartTokens = 85;

export interface TokenizedPrompt {
  /** Token ids of the rendered prompt (non-text parts excluded), used for prefix-cache hashing. */
  readonly tokenIds: readonly number[];
  /** `prompt_tokens` as reported in usage. */
  readonly tokenCount: number;
}

export type PromptTokenizer = (messages: readonly ChatMessageInput[], tools: readonly ToolDefinition[]) => TokenizedPrompt;

/** `encodeCached` is normally `createCachedEncoder(…)`, shared with the embeddings endpoint. */
export function createPromptTokenizer(encodeCached: CachedEncoder): PromptTokenizer {
  return function tokenizePrompt(messages, tools) {
    const tokenIds: number[] = [];
    let nonTextTokens = 0;
    if (tools.length > 0) {
      const definitions = tools.map((tool) => tool.function);
      appendMessage(tokenIds, encodeCached('system'), encodeCached(`# Tools\n${JSON.stringify(definitions)}`));
    }
    for (const message of messages) {
      const rendered = renderContent(message);
      nonTextTokens += rendered.nonTextParts * nonTextPartTokens;
      const header = typeof message.name === 'string' ? message.name : message.role;
      appendMessage(tokenIds, encodeCached(header), encodeCached(rendered.text));
    }
    tokenIds.push(imStart, ...encodeCached('assistant'), imSep);
    return { tokenIds, tokenCount: tokenIds.length + nonTextTokens };
  };
}

function appendMessage(target: number[], header: readonly number[], content: readonly number[]): void {
  target.push(imStart);
  for (const id of header) target.push(id);
  target.push(imSep);
  for (const id of content) target.push(id);
  target.push(imEnd);
}

function renderContent(message: ChatMessageInput): { text: string; nonTextParts: number } {
  let text = '';
  let nonTextParts = 0;
  const { content } = message;
  if (typeof content === 'string') {
    text = content;
  } else if (Array.isArray(content)) {
    // The body is untrusted JSON: guard every access even where the types say otherwise.
    for (const part of content as readonly (ChatContentPart | null)[]) {
      if (typeof part?.text === 'string') text += part.text;
      else nonTextParts += 1;
    }
  }
  const toolCalls = Array.isArray(message.tool_calls) ? (message.tool_calls as readonly (ToolCallInput | null)[]) : [];
  for (const call of toolCalls) {
    const name = call?.function?.name;
    const callArguments = call?.function?.arguments;
    text += `${typeof name === 'string' ? name : ''}${typeof callArguments === 'string' ? callArguments : ''}`;
  }
  return { text, nonTextParts };
}

import { encodeChat } from 'gpt-tokenizer';
import type { ChatMessage, ChatRequestBody } from '../core/chat-request.js';

/**
 * Tokens counted per image or file part: Anthropic's documented cost of a ~1.15-megapixel image
 * (width × height / 750). Images are not decoded, so every one counts as that size.
 */
export const estimatedTokensPerAttachment = 1600;

/**
 * An ESTIMATE of a neutral request's input tokens with the o200k_base tokenizer (gpt-tokenizer),
 * not the upstream model's own tokenizer: Claude, Gemini and Llama models split text differently.
 * Messages are rendered as `encodeChat(…, 'gpt-4o')` renders them (so for plain text on gpt-4o
 * family models it matches OpenAI's `prompt_tokens`); tool definitions count as one leading system
 * message holding their JSON; assistant tool calls as name plus arguments; each image or file part
 * as `estimatedTokensPerAttachment`.
 */
export function estimateInputTokens(body: ChatRequestBody): number {
  const rendered: Array<{ role: string; content: string }> = [];
  let attachments = 0;
  const functions = (body.tools ?? []).map((tool) => tool.function).filter((definition) => definition !== undefined);
  if (functions.length > 0) rendered.push({ role: 'system', content: `# Tools\n${JSON.stringify(functions)}` });
  for (const message of body.messages) {
    const { text, attachmentParts } = renderContent(message);
    attachments += attachmentParts;
    rendered.push({ role: message.role, content: text });
  }
  return encodeChat(rendered, 'gpt-4o').length + attachments * estimatedTokensPerAttachment;
}

function renderContent(message: ChatMessage): { text: string; attachmentParts: number } {
  let text = '';
  let attachmentParts = 0;
  if (typeof message.content === 'string') {
    text = message.content;
  } else if (Array.isArray(message.content)) {
    for (const part of message.content) {
      if (typeof part.text === 'string') text += part.text;
      else attachmentParts++;
    }
  }
  for (const call of message.tool_calls ?? []) text += `${call.function.name}${call.function.arguments}`;
  return { text, attachmentParts };
}

/** Up to this many characters of text, `boundInputTokens` tokenises exactly (about 1 ms at most). */
export const EXACT_COUNT_CHARACTER_LIMIT = 4_096;

/**
 * A cheap, deliberately high estimate of a request's input tokens for reserving budget before
 * the call: exact (`estimateInputTokens`) for short prompts, and beyond
 * `EXACT_COUNT_CHARACTER_LIMIT` characters a linear bound that never tokenises, since BPE over a
 * long prompt blocks the event loop for milliseconds (about 0.3 µs per character). The bound
 * counts one token per 3 ASCII characters (English averages about 4.4 per o200k token) and two
 * per other UTF-16 unit (CJK runs about 1.1 tokens per character), plus a few per message. The reservation is
 * settled to the provider's figure after the call, so an over-estimate only holds budget briefly.
 */
export function boundInputTokens(body: ChatRequestBody): number {
  let characters = 0;
  let wide = 0;
  let attachments = 0;
  const count = (text: string) => {
    characters += text.length;
    for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) wide += 1;
  };
  const functions = (body.tools ?? []).map((tool) => tool.function).filter((definition) => definition !== undefined);
  if (functions.length > 0) count(JSON.stringify(functions));
  for (const message of body.messages) {
    const { text, attachmentParts } = renderContent(message);
    attachments += attachmentParts;
    count(text);
  }
  if (characters <= EXACT_COUNT_CHARACTER_LIMIT) return estimateInputTokens(body);
  return Math.ceil((characters - wide) / 3) + 2 * wide + 4 * (body.messages.length + 1) + attachments * estimatedTokensPerAttachment;
}

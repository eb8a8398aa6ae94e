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

/** The characters of text a request's messages carry (the size `EXACT_COUNT_CHARACTER_LIMIT` is measured in). */
export function promptCharacterCount(body: ChatRequestBody): number {
  let characters = 0;
  for (const message of body.messages) characters += renderContent(message).text.length;
  return characters;
}

/** Up to this many characters, a prompt is cheap enough to tokenise exactly when it matters (about 1 ms at most). */
export const EXACT_COUNT_CHARACTER_LIMIT = 4_096;

/**
 * A cheap, deliberately high estimate of a request's input tokens for reserving budget before
 * the call: a linear bound that never tokenises, since BPE costs about 50 µs for even a short
 * chat and blocks the event loop for milliseconds on a long prompt (about 0.3 µs per character);
 * callers count short prompts (up to `EXACT_COUNT_CHARACTER_LIMIT`) exactly only when the bound
 * is refused. The bound
 * counts a token per 3 ASCII letters (English words average about 4.4 characters per o200k
 * token), one per digit or punctuation mark (code and JSON split there), two per other UTF-16
 * unit (CJK runs about 1.1 tokens per character), and a few per message. The reservation is
 * settled to the provider's figure after the call, so an over-estimate only holds budget briefly.
 */
export function boundInputTokens(body: ChatRequestBody): number {
  let letters = 0;
  let symbols = 0;
  let wide = 0;
  let attachments = 0;
  const count = (text: string) => {
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code > 0x7f) wide += 1;
      else if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) letters += 1;
      // Spaces merge into the next word's token; digits and punctuation may each be a token.
      else if (code !== 0x20) symbols += 1;
    }
  };
  const functions = (body.tools ?? []).map((tool) => tool.function).filter((definition) => definition !== undefined);
  if (functions.length > 0) count(JSON.stringify(functions));
  for (const message of body.messages) {
    const { text, attachmentParts } = renderContent(message);
    attachments += attachmentParts;
    count(text);
  }
  return Math.ceil(letters / 3) + symbols + 2 * wide + 4 * (body.messages.length + 2) + attachments * estimatedTokensPerAttachment;
}

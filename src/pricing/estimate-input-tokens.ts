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

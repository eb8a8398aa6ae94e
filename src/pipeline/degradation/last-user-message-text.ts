import type { ChatMessage } from '../../core/chat-request.js';

/**
 * The text of the last `user` message: its string content, or its text parts joined by newlines
 * (images and other parts are skipped). `undefined` when there is no user message or it holds no text.
 */
export function lastUserMessageText(messages: readonly ChatMessage[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role !== 'user') continue;
    const text = messageText(message.content);
    return text.trim() === '' ? undefined : text;
  }
  return undefined;
}

function messageText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

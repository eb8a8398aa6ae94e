import { describe, expect, it } from 'vitest';
import { lastUserMessageText } from './last-user-message-text.js';

describe('lastUserMessageText', () => {
  it('takes the last user message, skipping later assistant and tool messages', () => {
    const text = lastUserMessageText([
      { role: 'system', content: 'be nice' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'an answer' },
      { role: 'user', content: 'second question' },
      { role: 'assistant', content: 'another answer' },
    ]);
    expect(text).toBe('second question');
  });

  it('joins the text parts of array content and skips images', () => {
    const text = lastUserMessageText([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'refund for' },
          { type: 'image_url', image_url: { url: 'https://example.test/a.png' } },
          { type: 'text', text: 'my order' },
        ],
      },
    ]);
    expect(text).toBe('refund for\nmy order');
  });

  it('is undefined without a user message or when the last one holds no text', () => {
    expect(lastUserMessageText([{ role: 'system', content: 'x' }])).toBeUndefined();
    expect(lastUserMessageText([{ role: 'user', content: 'refund' }, { role: 'user', content: '   ' }])).toBeUndefined();
    expect(lastUserMessageText([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'u' } }] }])).toBeUndefined();
    expect(lastUserMessageText([{ role: 'user', content: null }])).toBeUndefined();
  });
});

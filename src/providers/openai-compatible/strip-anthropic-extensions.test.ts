import { describe, expect, it } from 'vitest';
import { stripAnthropicExtensions } from './strip-anthropic-extensions.js';

describe('stripAnthropicExtensions', () => {
  it('removes top_k, thinking and every cache_control, and says what it removed', () => {
    const { body, dropped } = stripAnthropicExtensions({
      model: 'm',
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'long', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'ok', thinking_blocks: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }] },
      ],
      tools: [{ type: 'function', function: { name: 'f' }, cache_control: { type: 'ephemeral' } }],
      temperature: 0.5,
    });
    expect(body).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'long' }] },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'ok' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
      temperature: 0.5,
    });
    expect(dropped.sort()).toEqual(['cache_control', 'thinking', 'thinking_blocks', 'top_k']);
  });

  it('drops nothing from a plain OpenAI body', () => {
    const { dropped } = stripAnthropicExtensions({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] });
    expect(dropped).toEqual([]);
  });
});

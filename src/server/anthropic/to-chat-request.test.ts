import { describe, expect, it } from 'vitest';
import { parseAnthropicRequest } from './anthropic-request-schema.js';
import { toChatRequest } from './to-chat-request.js';

const base = { model: 'claude-sonnet-4-5', max_tokens: 256 };
const ephemeral = { type: 'ephemeral' };

function translate(request: Record<string, unknown>, requireMaxTokens = true) {
  return toChatRequest(parseAnthropicRequest(Buffer.from(JSON.stringify(request)), { requireMaxTokens }));
}

describe('toChatRequest: Anthropic Messages → neutral messages', () => {
  it('translates the smallest request exactly, without warnings', () => {
    expect(translate({ ...base, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] })).toEqual({
      body: {
        model: 'claude-sonnet-4-5',
        max_tokens: 256,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
      },
      warnings: [],
    });
  });

  it('keeps system blocks as text parts with their cache_control', () => {
    const { body } = translate({
      ...base,
      system: [{ type: 'text', text: 'Rules.' }, { type: 'text', text: 'Long context.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(body.messages[0]).toEqual({
      role: 'system',
      content: [
        { type: 'text', text: 'Rules.' },
        { type: 'text', text: 'Long context.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
    });
  });

  it('omits an empty system prompt', () => {
    expect(translate({ ...base, system: [], messages: [{ role: 'user', content: 'hi' }] }).body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('turns user text, base64 and url images into content parts, keeping cache_control', () => {
    const { body } = translate({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }, cache_control: ephemeral },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' }, cache_control: ephemeral },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('turns PDF documents into file parts and plain-text documents into text', () => {
    const { body } = translate({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', title: 'report.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, cache_control: ephemeral },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' } },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content).toEqual([
      { type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' }, cache_control: ephemeral },
      { type: 'text', text: 'Plain notes.' },
    ]);
  });

  it('turns assistant tool_use blocks into tool_calls with JSON arguments, beside the text', () => {
    const { body } = translate({
      ...base,
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo', days: 2 } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
      ],
    });
    expect(body.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Checking.' }],
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo","days":2}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
    });
  });

  it('gives an assistant turn made only of tool calls null content', () => {
    const { body } = translate({
      ...base,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
      ],
    });
    expect(body.messages[1]).toMatchObject({ role: 'assistant', content: null });
  });

  it('turns tool_result blocks into tool messages placed before the rest of the user turn', () => {
    const { body, warnings } = translate({
      ...base,
      messages: [
        { role: 'user', content: 'Weather and time?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
            { type: 'tool_use', id: 'toolu_3', name: 'get_map', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here you go.' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '12°C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              content: [
                { type: 'text', text: 'It is noon' },
                { type: 'image', source: { type: 'url', url: 'https://example.com/clock.png' } },
                { type: 'text', text: 'in Oslo.' },
              ],
            },
            { type: 'tool_result', tool_use_id: 'toolu_3', content: 'map service down', is_error: true, cache_control: ephemeral },
          ],
        },
      ],
    });
    expect(body.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: '12°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'It is noon\nin Oslo.' },
      { role: 'tool', tool_call_id: 'toolu_3', content: [{ type: 'text', text: 'Error: map service down', cache_control: ephemeral }] },
      { role: 'user', content: [{ type: 'text', text: 'Here you go.' }] },
    ]);
    expect(warnings).toEqual(['1 image(s) in messages[2].content[2] (tool_result) dropped: tool messages carry text only']);
  });

  it('gives a tool_result without content an empty tool message, and adds no empty user message', () => {
    const { body } = translate({
      ...base,
      messages: [
        { role: 'user', content: 'Go.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ping', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }] },
      ],
    });
    expect(body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'toolu_1', content: '' });
    expect(body.messages).toHaveLength(3);
  });

  it('drops thinking and redacted_thinking history when thinking is off, with one warning counting them', () => {
    const { body, warnings } = translate({
      ...base,
      messages: [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }, { type: 'text', text: 'A1' }] },
        { role: 'user', content: 'Q2' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'opaque' }] },
      ],
    });
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'A1' }] });
    expect(body.messages[3]).toEqual({ role: 'assistant', content: '' });
    expect(warnings).toEqual(['2 thinking block(s) in earlier assistant turns dropped: thinking is not enabled']);
  });

  it('keeps thinking history verbatim as thinking_blocks when thinking is on, as Anthropic needs it signed', () => {
    const thinking = { type: 'thinking', thinking: 'Need the weather tool.', signature: 'EqQBCgIYAhIM' };
    const redacted = { type: 'redacted_thinking', data: 'EmwKAhgB' };
    const { body, warnings } = translate({
      ...base,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [thinking, redacted, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
      ],
    });
    expect(body.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
      thinking_blocks: [thinking, redacted],
    });
    expect(warnings).toEqual([]);
  });

  it('warns that cache_control on a tool_use block cannot be carried', () => {
    const { warnings } = translate({
      ...base,
      messages: [
        { role: 'user', content: 'Go.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ping', input: {}, cache_control: ephemeral }] },
      ],
    });
    expect(warnings).toEqual(['cache_control on messages[1].content[0] (tool_use) dropped: tool calls cannot carry it']);
  });
});

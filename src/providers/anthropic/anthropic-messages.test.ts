import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import { toAnthropicRequest } from './anthropic-request.js';

// Pure tests of the message half of the request translation (anthropic-messages.ts).

function translate(messages: ChatMessage[]) {
  return toAnthropicRequest({ model: 'claude-sonnet-4-5', max_tokens: 100, messages }, 'anthropic-main');
}

function thrownBy(run: () => unknown): TollgateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TollgateError);
    return error as TollgateError;
  }
  throw new Error('expected the translation to throw');
}

const pdfData = 'JVBERi0xLjQK';
const pngData = 'iVBORw0KGgo=';

describe('toAnthropicRequest: system prompt', () => {
  it('hoists system and developer messages into one system string and sends lone text turns as strings', () => {
    const { request, warnings } = translate([
      { role: 'system', content: 'You are terse.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      { role: 'user', content: 'Hello' },
    ]);
    expect(request.system).toBe('You are terse.\n\nAnswer in French.');
    expect(request.messages).toStrictEqual([{ role: 'user', content: 'Hello' }]);
    expect(warnings).toStrictEqual([]);
  });

  it('keeps cache_control on system parts and on a system message, as text blocks', () => {
    const { request } = translate([
      { role: 'system', content: [{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
      { role: 'system', content: 'Short rules', cache_control: { type: 'ephemeral' } },
      { role: 'user', content: 'Hi' },
    ]);
    expect(request.system).toStrictEqual([
      { type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Short rules', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('moves a system message from mid-conversation to the top, and says so', () => {
    const { request, warnings } = translate([
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: 'Hello.' },
    ]);
    expect(request.system).toBe('Be brief.');
    expect(request.messages).toStrictEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
    ]);
    expect(warnings).toStrictEqual(['Anthropic has one system prompt; system messages at messages[1] were moved to it']);
  });
});

describe('toAnthropicRequest: user content', () => {
  it('turns text, data-URL images, http(s) images and PDF files into blocks, keeping cache_control', () => {
    const { request, warnings } = translate([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${pngData}` }, cache_control: { type: 'ephemeral' } },
          { type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/ant.jpg', detail: 'high' } },
          { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${pdfData}` } },
        ],
      },
    ]);
    expect(request.messages).toStrictEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngData }, cache_control: { type: 'ephemeral' } },
          { type: 'image', source: { type: 'url', url: 'https://upload.wikimedia.org/ant.jpg' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdfData }, title: 'report.pdf' },
        ],
      },
    ]);
    expect(warnings).toStrictEqual(['Anthropic has no image detail setting; image_url.detail was not sent']);
  });

  it('puts a message-level cache_control on the message\'s last block', () => {
    const { request } = translate([{ role: 'user', content: 'The whole contract…', cache_control: { type: 'ephemeral' } }]);
    expect(request.messages).toStrictEqual([
      { role: 'user', content: [{ type: 'text', text: 'The whole contract…', cache_control: { type: 'ephemeral' } }] },
    ]);
  });

  it.each([
    ['a data URL that is not base64', 'data:image/svg+xml,<svg/>'],
    ['a URL that is neither data: nor http(s)', 'ftp://example.com/cat.png'],
  ])('rejects %s as TG_ERR_INVALID_REQUEST naming the part', (_label, url) => {
    const error = thrownBy(() => translate([{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }]));
    expect(error.code).toBe('TG_ERR_INVALID_REQUEST');
    expect(error.param).toBe('messages[0].content[0].image_url.url');
  });

  it('rejects content Anthropic cannot take (audio) as TG_ERR_UNSUPPORTED_PARAMETER', () => {
    const error = thrownBy(() => translate([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] }]));
    expect(error.code).toBe('TG_ERR_UNSUPPORTED_PARAMETER');
    expect(error.param).toBe('messages[0].content[0]');
  });

  it('merges consecutive user messages into one turn and warns that names are not sent', () => {
    const { request, warnings } = translate([
      { role: 'user', content: 'First.', name: 'ann' },
      { role: 'user', content: 'Second.' },
    ]);
    expect(request.messages).toStrictEqual([
      { role: 'user', content: [{ type: 'text', text: 'First.' }, { type: 'text', text: 'Second.' }] },
    ]);
    expect(warnings).toStrictEqual(['Anthropic has no per-message name; message name fields were not sent']);
  });
});

describe('toAnthropicRequest: tool calls and tool results', () => {
  const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } });

  it('turns assistant tool_calls into tool_use blocks and tool messages into one user turn of tool_results', () => {
    const { request } = translate([
      { role: 'user', content: 'Weather in SF and NYC?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [call('toolu_1', 'get_weather', '{"location":"San Francisco, CA"}'), call('toolu_2', 'get_time', '')],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '15 degrees' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '9:41', cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: 'Thanks!' },
    ]);
    expect(request.messages).toStrictEqual([
      { role: 'user', content: 'Weather in SF and NYC?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'San Francisco, CA' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '15 degrees' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '9:41', cache_control: { type: 'ephemeral' } }] },
          { type: 'text', text: 'Thanks!' },
        ],
      },
    ]);
  });

  it('sends thinking_blocks of an earlier answer back first, verbatim, then text and tool_use', () => {
    const thinking = { type: 'thinking', thinking: 'Need the weather tool.', signature: 'EqQBCgIYAhIM' };
    const { request } = translate([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Checking.', thinking_blocks: [thinking], tool_calls: [call('toolu_1', 'get_weather', '{}')] },
    ]);
    expect(request.messages[1]).toStrictEqual({
      role: 'assistant',
      content: [thinking, { type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }],
    });
  });

  it.each([
    ['not JSON', '{"location": "San Fra', 'is not valid JSON'],
    ['JSON but not an object', '["San Francisco"]', 'must be a JSON object'],
  ])('rejects tool arguments that are %s, naming the message', (_label, args, says) => {
    const error = thrownBy(() =>
      translate([
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [call('toolu_1', 'get_weather', args)] },
      ]),
    );
    expect(error.code).toBe('TG_ERR_INVALID_REQUEST');
    expect(error.param).toBe('messages[1].tool_calls[0].function.arguments');
    expect(error.message).toContain('messages[1]');
    expect(error.message).toContain(says);
  });

  it('rejects a tool message without tool_call_id, and a role Anthropic does not have', () => {
    expect(thrownBy(() => translate([{ role: 'tool', content: 'x' }])).param).toBe('messages[0].tool_call_id');
    const error = thrownBy(() => translate([{ role: 'function', content: 'x' }]));
    expect(error.code).toBe('TG_ERR_INVALID_REQUEST');
    expect(error.param).toBe('messages[0].role');
  });
});

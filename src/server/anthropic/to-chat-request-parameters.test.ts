import { describe, expect, it } from 'vitest';
import { TollgateError } from '../../core/errors.js';
import { parseAnthropicRequest } from './anthropic-request-schema.js';
import { toChatRequest } from './to-chat-request.js';

const base = { model: 'claude-sonnet-4-5', max_tokens: 256 };
const ephemeral = { type: 'ephemeral' };

function translate(request: Record<string, unknown>, requireMaxTokens = true) {
  return toChatRequest(parseAnthropicRequest(Buffer.from(JSON.stringify(request)), { requireMaxTokens }));
}

function failure(request: Record<string, unknown>): TollgateError {
  try {
    translate(request);
  } catch (error) {
    if (error instanceof TollgateError) return error;
    throw error;
  }
  throw new Error('expected the translation to fail');
}

describe('toChatRequest: tools, tool_choice, sampling parameters and rejected input', () => {
  it('maps tools to functions, keeping cache_control on the tool and strict on the function', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const { body } = translate({
      ...base,
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        { name: 'get_weather', description: 'Weather.', input_schema: schema, strict: true },
        { type: 'custom', name: 'get_time', input_schema: { type: 'object' }, cache_control: ephemeral },
      ],
    });
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather.', parameters: schema, strict: true } },
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } }, cache_control: ephemeral },
    ]);
  });

  it('rejects Anthropic server tools with TG_ERR_UNSUPPORTED_PARAMETER naming the tool', () => {
    const error = failure({ ...base, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'bash_20250124', name: 'bash' }] });
    expect(error.code).toBe('TG_ERR_UNSUPPORTED_PARAMETER');
    expect(error.param).toBe('tools[0]');
    expect(error.status).toBe(400);
  });

  it.each([
    [{ type: 'auto' }, { tool_choice: 'auto' }],
    [{ type: 'any' }, { tool_choice: 'required' }],
    [{ type: 'tool', name: 'get_weather' }, { tool_choice: { type: 'function', function: { name: 'get_weather' } } }],
    [{ type: 'none' }, { tool_choice: 'none' }],
    [{ type: 'auto', disable_parallel_tool_use: true }, { tool_choice: 'auto', parallel_tool_calls: false }],
    [{ type: 'any', disable_parallel_tool_use: false }, { tool_choice: 'required' }],
  ])('maps tool_choice %j', (toolChoice, expected) => {
    const { body } = translate({ ...base, messages: [{ role: 'user', content: 'hi' }], tool_choice: toolChoice });
    expect({ tool_choice: body.tool_choice, ...(body.parallel_tool_calls === undefined ? {} : { parallel_tool_calls: body.parallel_tool_calls }) }).toEqual(expected);
  });

  it('maps sampling, stop sequences, thinking, the user id and streaming', () => {
    const { body, warnings } = translate({
      ...base,
      messages: [{ role: 'user', content: 'hi' }],
      stop_sequences: ['END', '###'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      metadata: { user_id: 'user-42' },
      stream: true,
    });
    expect(body).toMatchObject({
      max_tokens: 256,
      stop: ['END', '###'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      user: 'user-42',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(warnings).toEqual([]);
  });

  it('leaves out disabled thinking, empty stop sequences, a null user id and a false stream', () => {
    const { body } = translate({
      ...base,
      messages: [{ role: 'user', content: 'hi' }],
      thinking: { type: 'disabled' },
      stop_sequences: [],
      metadata: { user_id: null },
      stream: false,
    });
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });

  it('warns about top-level fields it does not translate', () => {
    const { body, warnings } = translate({ ...base, messages: [{ role: 'user', content: 'hi' }], service_tier: 'auto', container: 'c1' });
    expect(warnings).toEqual(['ignored unsupported field(s): service_tier, container']);
    expect(body).not.toHaveProperty('service_tier');
  });

  it.each([
    ['a tool_result in an assistant turn', { type: 'tool_result', tool_use_id: 't' }, 'assistant', /only user messages may hold/],
    ['an image in an assistant turn', { type: 'image', source: { type: 'url', url: 'https://x' } }, 'assistant', /only user messages may hold/],
    ['a thinking block in a user turn', { type: 'thinking', thinking: 'x' }, 'user', /only assistant messages may hold/],
  ])('rejects %s with a 400 naming the block', (_name, block, role, message) => {
    const error = failure({ ...base, messages: [{ role, content: [block] }] });
    expect(error.code).toBe('TG_ERR_INVALID_REQUEST');
    expect(error.param).toBe('messages[0].content[0]');
    expect(error.message).toMatch(message);
  });

  it('translates a count_tokens body, which has no max_tokens', () => {
    const { body } = translate({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }, false);
    expect(body).toEqual({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(() => translate({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }, true)).toThrow(/"max_tokens" is required/);
  });
});

import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import { defaultMaxTokens, toAnthropicRequest } from './anthropic-request.js';

// Pure tests of the parameter half of the request translation (anthropic-request.ts).

const hello: ChatRequestBody = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] };

function translate(fields: Partial<ChatRequestBody>) {
  return toAnthropicRequest({ ...hello, max_tokens: 256, ...fields }, 'anthropic-main');
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

describe('toAnthropicRequest: max_tokens', () => {
  it('sends max_completion_tokens over max_tokens, without a warning', () => {
    const { request, warnings } = translate({ max_tokens: 100, max_completion_tokens: 300 });
    expect(request.max_tokens).toBe(300);
    expect(translate({ max_tokens: 100 }).request.max_tokens).toBe(100);
    expect(warnings).toStrictEqual([]);
  });

  it.each([
    ['claude-3-haiku-20240307', 4_096],
    ['claude-3-opus-20240229', 4_096],
    ['claude-3-5-sonnet-20241022', 8_192],
    ['claude-3-7-sonnet-20250219', 8_192],
    ['claude-sonnet-4-5-20250929', 8_192],
    ['claude-opus-4-1', 8_192],
    ['my-proxy/house-model', 4_096],
  ])('defaults %s to %i, and says so', (model, expected) => {
    expect(defaultMaxTokens(model)).toBe(expected);
    const { request, warnings } = toAnthropicRequest({ ...hello, model }, 'anthropic-main');
    expect(request.max_tokens).toBe(expected);
    expect(warnings).toStrictEqual([`Anthropic requires max_tokens and the request set none; sent max_tokens ${expected} (the default for ${model})`]);
  });

  it('leaves room above the thinking budget when it has to choose', () => {
    const { request, warnings } = toAnthropicRequest({ ...hello, thinking: { type: 'enabled', budget_tokens: 16_000 } }, 'anthropic-main');
    expect(request.max_tokens).toBe(24_192);
    expect(warnings[0]).toContain('plus thinking.budget_tokens 16000');
  });
});

describe('toAnthropicRequest: sampling and metadata', () => {
  it('passes temperature, top_p, top_k, thinking and stop; user becomes metadata.user_id', () => {
    const thinking = { type: 'enabled', budget_tokens: 2_048 };
    const { request, warnings } = translate({ temperature: 0.2, top_p: 0.9, top_k: 40, thinking, stop: ['END', '###'], user: 'user-42' });
    expect(request).toStrictEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Hello' }],
      stop_sequences: ['END', '###'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      thinking,
      metadata: { user_id: 'user-42' },
    });
    expect(warnings).toStrictEqual([]);
    expect(translate({ stop: 'END' }).request.stop_sequences).toStrictEqual(['END']);
  });

  it('does not send stream or stream_options (the adapter sets stream) and does not change the body', () => {
    const body: ChatRequestBody = { ...hello, max_tokens: 10, stream: true, stream_options: { include_usage: true } };
    const copy = structuredClone(body);
    const { request, warnings } = toAnthropicRequest(body, 'anthropic-main');
    expect(request).not.toHaveProperty('stream');
    expect(request).not.toHaveProperty('stream_options');
    expect(warnings).toStrictEqual([]);
    expect(body).toStrictEqual(copy);
  });

  it('rejects n > 1 with TG_ERR_UNSUPPORTED_PARAMETER (param n), and accepts n = 1', () => {
    const error = thrownBy(() => translate({ n: 2 }));
    expect(error.code).toBe('TG_ERR_UNSUPPORTED_PARAMETER');
    expect(error.param).toBe('n');
    expect(error.status).toBe(400);
    expect(translate({ n: 1 }).warnings).toStrictEqual([]);
  });
});

describe('toAnthropicRequest: what Anthropic cannot honour is named, never dropped silently', () => {
  it('warns once per setting it cannot send', () => {
    const { request, warnings } = translate({
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } },
      logprobs: true,
      top_logprobs: 3,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { '50256': -100 },
      service_tier: 'flex',
    });
    expect(warnings).toStrictEqual([
      'anthropic-main (Anthropic) does not support response_format (json_schema); not sent',
      'anthropic-main (Anthropic) does not support logprobs; not sent',
      'anthropic-main (Anthropic) does not support top_logprobs; not sent',
      'anthropic-main (Anthropic) does not support seed; not sent',
      'anthropic-main (Anthropic) does not support presence_penalty; not sent',
      'anthropic-main (Anthropic) does not support frequency_penalty; not sent',
      'anthropic-main (Anthropic) does not support logit_bias; not sent',
      'anthropic-main (Anthropic) does not support service_tier; not sent',
    ]);
    expect(Object.keys(request).sort()).toStrictEqual(['max_tokens', 'messages', 'model']);
    expect(translate({ response_format: { type: 'json_object' } }).warnings).toStrictEqual([
      'anthropic-main (Anthropic) does not support response_format (json_object); not sent',
    ]);
  });

  it('does not warn about settings that ask for nothing (text format, zero penalties, logprobs false)', () => {
    const { warnings } = translate({ response_format: { type: 'text' }, presence_penalty: 0, frequency_penalty: 0, logprobs: false, logit_bias: {}, seed: null });
    expect(warnings).toStrictEqual([]);
  });
});

describe('toAnthropicRequest: tools and tool_choice', () => {
  const weather = {
    type: 'function',
    function: { name: 'get_weather', description: 'Get the weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: true },
    cache_control: { type: 'ephemeral' },
  };

  it('sends function tools as name, description, input_schema, keeping cache_control and strict', () => {
    const { request } = translate({ tools: [weather, { type: 'function', function: { name: 'now' } }] });
    expect(request.tools).toStrictEqual([
      { name: 'get_weather', description: 'Get the weather', input_schema: weather.function.parameters, strict: true, cache_control: { type: 'ephemeral' } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('rejects tools that are not functions', () => {
    const error = thrownBy(() => translate({ tools: [{ type: 'web_search_preview' }] }));
    expect(error.code).toBe('TG_ERR_UNSUPPORTED_PARAMETER');
    expect(error.param).toBe('tools[0]');
  });

  it.each([
    ['auto', false, { type: 'auto' }],
    ['required', false, { type: 'any' }],
    ['none', false, { type: 'none' }],
    [{ type: 'function', function: { name: 'get_weather' } }, false, { type: 'tool', name: 'get_weather' }],
    ['auto', true, { type: 'auto', disable_parallel_tool_use: true }],
    ['required', true, { type: 'any', disable_parallel_tool_use: true }],
    [{ type: 'function', function: { name: 'get_weather' } }, true, { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true }],
    ['none', true, { type: 'none' }],
    [undefined, true, { type: 'auto', disable_parallel_tool_use: true }],
  ])('tool_choice %j with parallel_tool_calls false: %s -> %j', (toolChoice, noParallel, expected) => {
    const fields: Partial<ChatRequestBody> = { tools: [weather], tool_choice: toolChoice };
    if (noParallel) fields['parallel_tool_calls'] = false;
    expect(translate(fields).request.tool_choice).toStrictEqual(expected);
  });

  it('sends no tool_choice when none was asked for, and rejects one it cannot read', () => {
    expect(translate({ tools: [weather], parallel_tool_calls: true }).request).not.toHaveProperty('tool_choice');
    const error = thrownBy(() => translate({ tools: [weather], tool_choice: { type: 'allowed_tools' } }));
    expect(error.code).toBe('TG_ERR_INVALID_REQUEST');
    expect(error.param).toBe('tool_choice');
  });
});

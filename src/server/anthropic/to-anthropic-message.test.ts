import { describe, expect, it } from 'vitest';
import type { ChatCompletionChoice } from '../../core/chat-request.js';
import type { ModelResponse } from '../../core/model-call.js';
import { unknownUsage, usageOf, type Usage } from '../../core/usage.js';
import { anthropicMessageId, toAnthropicMessage } from './to-anthropic-message.js';

const requestId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const options = { requestId, model: 'claude-alias', stopSequences: undefined };

function response(choice: Partial<ChatCompletionChoice>, usage: Usage = usageOf({ inputTokens: 10, cacheReadTokens: 0, outputTokens: 5, reasoningTokens: 0 })): ModelResponse {
  return {
    body: {
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there.' }, finish_reason: 'stop', ...choice }],
      // OpenAI's overlapping numbers, deliberately different from the buckets: they must not be used.
      usage: { prompt_tokens: 999, completion_tokens: 999, total_tokens: 1998 },
    },
    rawBody: undefined,
    usage,
    providerUsage: undefined,
    upstreamModel: 'gpt-4o-2024-08-06',
  };
}

describe('toAnthropicMessage: neutral chat.completion → Anthropic message', () => {
  it('translates a text answer exactly, with the client model and an id derived from the request id', () => {
    expect(toAnthropicMessage(response({}), options)).toEqual({
      message: {
        id: 'msg_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b',
        type: 'message',
        role: 'assistant',
        model: 'claude-alias',
        content: [{ type: 'text', text: 'Hi there.' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: null, cache_read_input_tokens: 0 },
      },
      warnings: [],
    });
  });

  it('takes usage from the disjoint buckets: reasoning counts as output, cache writes sum both TTLs', () => {
    const usage = usageOf({ inputTokens: 100, cacheReadTokens: 2048, cacheWrite5mTokens: 300, cacheWrite1hTokens: 200, outputTokens: 40, reasoningTokens: 60 });
    expect(toAnthropicMessage(response({}, usage), options).message.usage).toEqual({
      input_tokens: 100,
      output_tokens: 100,
      cache_creation_input_tokens: 500,
      cache_read_input_tokens: 2048,
      cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 200 },
    });
  });

  it('sends unknown input and output counts as 0 with a warning, and unknown cache counts as null', () => {
    const { message, warnings } = toAnthropicMessage(response({}, unknownUsage), options);
    expect(message.usage).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: null, cache_read_input_tokens: null });
    expect(warnings).toEqual(['the upstream did not report input_tokens, output_tokens; sent as 0']);
  });

  it('orders reasoning (as thinking), text, then tool_use blocks with parsed input', () => {
    const { message } = toAnthropicMessage(
      response({
        message: {
          role: 'assistant',
          content: 'Let me check.',
          reasoning_content: 'The user wants weather.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        finish_reason: 'tool_calls',
      }),
      options,
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'The user wants weather.', signature: '' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('prefers signed thinking_blocks (from an Anthropic upstream) over reasoning_content, redacted ones included', () => {
    const { message } = toAnthropicMessage(
      response({
        message: {
          role: 'assistant',
          content: 'Done.',
          reasoning_content: 'Plan.',
          thinking_blocks: [
            { type: 'thinking', thinking: 'Plan.', signature: 'sig-1', extra: 'dropped' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'unknown' },
          ],
        },
      }),
      options,
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Plan.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('keeps the raw Anthropic stop_reason and stop_sequence an Anthropic upstream leaves on the choice', () => {
    const stopped = toAnthropicMessage(response({ finish_reason: 'stop', stop_reason: 'stop_sequence', stop_sequence: 'END' }), { ...options, stopSequences: ['END', '###'] });
    expect(stopped.message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    const paused = toAnthropicMessage(response({ finish_reason: 'stop', stop_reason: 'pause_turn', stop_sequence: null }), options);
    expect(paused.message).toMatchObject({ stop_reason: 'pause_turn', stop_sequence: null });
  });

  it('warns when tool arguments are not a JSON object, sending an empty input', () => {
    const { message, warnings } = toAnthropicMessage(
      response({ message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"broken' } }] }, finish_reason: 'tool_calls' }),
      options,
    );
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_9', name: 'f', input: {} }]);
    expect(warnings).toEqual(['tool call call_9 arguments are not a JSON object; sent as an empty input']);
  });

  it('joins text parts of array content and sends no text block for empty content', () => {
    const parts = toAnthropicMessage(response({ message: { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] } }), options);
    expect(parts.message.content).toEqual([{ type: 'text', text: 'ab' }]);
    expect(toAnthropicMessage(response({ message: { role: 'assistant', content: '' } }), options).message.content).toEqual([]);
  });

  it('turns an OpenAI refusal into a text block with stop_reason refusal', () => {
    const { message } = toAnthropicMessage(response({ message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }), options);
    expect(message.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(message.stop_reason).toBe('refusal');
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
    ['function_call', 'tool_use'],
    ['pause_turn', 'pause_turn'],
    ['something_new', 'end_turn'],
  ])('maps finish_reason %s to stop_reason %s', (finishReason, stopReason) => {
    expect(toAnthropicMessage(response({ finish_reason: finishReason }), options).message.stop_reason).toBe(stopReason);
  });

  it('reports stop_sequence when the upstream names the sequence it hit (vLLM stop_reason)', () => {
    const hit = toAnthropicMessage(response({ finish_reason: 'stop', stop_reason: '###' }), { ...options, stopSequences: ['END', '###'] });
    expect(hit.message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '###' });
    const notRequested = toAnthropicMessage(response({ finish_reason: 'stop', stop_reason: 'other' }), { ...options, stopSequences: ['END'] });
    expect(notRequested.message).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null });
  });

  it('keeps an upstream Anthropic message id, otherwise derives one from the request id', () => {
    expect(anthropicMessageId('msg_01XYZ', requestId)).toBe('msg_01XYZ');
    expect(anthropicMessageId('chatcmpl-abc', requestId)).toBe('msg_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b');
    expect(anthropicMessageId(undefined, requestId)).toBe('msg_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b');
  });
});

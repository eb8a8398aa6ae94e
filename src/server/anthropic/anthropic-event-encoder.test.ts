import { describe, expect, it } from 'vitest';
import { TollgateError } from '../../core/errors.js';
import type { StreamPart } from '../../core/stream-part.js';
import { usageOf } from '../../core/usage.js';
import { createAnthropicEventEncoder, formatServerSentEvent } from './anthropic-event-encoder.js';
import type { AnthropicStreamEvent } from './anthropic-wire-types.js';

const requestId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const messageId = 'msg_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b';

function encodeAll(parts: readonly StreamPart[], stopSequences?: string[]): AnthropicStreamEvent[] {
  const encoder = createAnthropicEventEncoder({ requestId, model: 'claude-alias', stopSequences });
  return [...parts.flatMap((part) => encoder.encode(part)), ...encoder.finish()];
}

const start: StreamPart = { type: 'stream-start', id: 'chatcmpl-1', model: 'gpt-4o', created: 1 };
const stop: StreamPart = { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'stop' };
const usage: StreamPart = { type: 'usage', usage: usageOf({ inputTokens: 20, cacheReadTokens: 1024, outputTokens: 2, reasoningTokens: 3 }), providerUsage: {} };

describe('createAnthropicEventEncoder: typed parts → Anthropic stream events', () => {
  it('encodes a text stream as Anthropic sends it, with the final usage in message_delta', () => {
    expect(encodeAll([start, { type: 'text-delta', choiceIndex: 0, text: 'Hel' }, { type: 'text-delta', choiceIndex: 0, text: 'lo' }, stop, usage])).toEqual([
      {
        type: 'message_start',
        message: {
          id: messageId,
          type: 'message',
          role: 'assistant',
          model: 'claude-alias',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: null, cache_read_input_tokens: null },
        },
      },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5, input_tokens: 20, cache_read_input_tokens: 1024 } },
      { type: 'message_stop' },
    ]);
  });

  it('ignores raw parts: the typed parts beside them say everything', () => {
    const raw = (data: string): StreamPart => ({ type: 'raw', format: 'openai-chat', data, usageOnly: false });
    const withRaw = encodeAll([raw('{"id":"chatcmpl-1"}'), start, raw('{}'), { type: 'text-delta', choiceIndex: 0, text: 'Hi' }, raw('[DONE]'), stop]);
    expect(withRaw).toEqual(encodeAll([start, { type: 'text-delta', choiceIndex: 0, text: 'Hi' }, stop]));
  });

  it('opens one block per kind in order: thinking, text, then each tool call with input_json_delta', () => {
    const events = encodeAll([
      start,
      { type: 'reasoning-delta', choiceIndex: 0, text: 'Plan.' },
      { type: 'text-delta', choiceIndex: 0, text: 'Checking.' },
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: 'call_a', name: 'get_weather', argumentsDelta: '' },
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: undefined, name: undefined, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: undefined, name: undefined, argumentsDelta: '"Oslo"}' },
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 1, id: undefined, name: 'get_time', argumentsDelta: '{}' },
      { type: 'finish-reason', choiceIndex: 0, finishReason: 'tool-calls', rawFinishReason: 'tool_calls' },
    ]);
    expect(events.slice(2, -2)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Plan.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b_1', name: 'get_time', input: {} } },
      { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 3 },
    ]);
    expect(events.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' } });
  });

  it('encodes choice 0 only', () => {
    const events = encodeAll([start, { type: 'text-delta', choiceIndex: 1, text: 'other choice' }, { type: 'text-delta', choiceIndex: 0, text: 'first' }, stop]);
    expect(events.filter((event) => event.type === 'content_block_delta')).toEqual([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'first' } }]);
  });

  it('keeps an upstream msg_ id and an Anthropic raw stop reason with the one requested stop sequence', () => {
    const events = encodeAll(
      [{ ...start, id: 'msg_01ABC' } as StreamPart, { type: 'text-delta', choiceIndex: 0, text: 'x' }, { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'stop_sequence' }],
      ['END'],
    );
    expect(events[0]).toMatchObject({ type: 'message_start', message: { id: 'msg_01ABC' } });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' } });
  });

  it('says max_tokens for a length finish and leaves unknown input counts out of message_delta', () => {
    const events = encodeAll([
      start,
      { type: 'text-delta', choiceIndex: 0, text: 'x' },
      { type: 'finish-reason', choiceIndex: 0, finishReason: 'length', rawFinishReason: 'length' },
      { type: 'usage', usage: usageOf({ outputTokens: 7 }), providerUsage: {} },
    ]);
    expect(events.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 7 } });
  });

  it('still frames an empty stream completely, with no stop reason it was not given', () => {
    expect(encodeAll([]).map((event) => event.type)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
    expect(encodeAll([]).at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: null, stop_sequence: null }, usage: { output_tokens: 0 } });
  });

  it('turns an error part into an error event, then writes nothing more and never message_stop', () => {
    const encoder = createAnthropicEventEncoder({ requestId, model: 'claude-alias', stopSequences: undefined });
    encoder.encode(start);
    encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'partial' });
    const overloaded = new TollgateError({ code: 'TG_ERR_UPSTREAM_OVERLOADED', message: 'busy' });
    expect(encoder.encode({ type: 'error', error: overloaded })).toEqual([{ type: 'error', error: { type: 'overloaded_error', message: 'busy' }, request_id: requestId }]);
    expect(encoder.failed).toBe(true);
    expect(encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'late' })).toEqual([]);
    expect(encoder.finish()).toEqual([]);
  });

  it('fails with an api_error rather than corrupt a tool call whose arguments resume after its block closed', () => {
    const encoder = createAnthropicEventEncoder({ requestId, model: 'claude-alias', stopSequences: undefined });
    encoder.encode({ type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: 'call_a', name: 'a', argumentsDelta: '{' });
    encoder.encode({ type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 1, id: 'call_b', name: 'b', argumentsDelta: '{}' });
    const events = encoder.encode({ type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: undefined, name: undefined, argumentsDelta: '}' });
    expect(events).toMatchObject([{ type: 'error', error: { type: 'api_error', message: expect.stringMatching(/interleaved the arguments of tool call 0/) } }]);
    expect(encoder.failed).toBe(true);
  });
});

describe('formatServerSentEvent', () => {
  it('frames an event as `event: <type>` and one JSON data line', () => {
    expect(formatServerSentEvent({ type: 'content_block_stop', index: 2 })).toBe('event: content_block_stop\ndata: {"type":"content_block_stop","index":2}\n\n');
    expect(formatServerSentEvent({ type: 'error', error: { type: 'api_error', message: 'line\nbreak' } })).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"line\\nbreak"}}\n\n',
    );
  });
});

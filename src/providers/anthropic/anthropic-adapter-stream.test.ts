import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import { usageOf } from '../../core/usage.js';
import { createCostCalculator } from '../../pricing/cost-calculator.js';
import { collect, lastSentBody, modelRequest, partsOfType, readFixture, useAnthropicReplay } from './__fixtures__/anthropic-replay.js';
import { createAnthropicStreamTranslator } from './anthropic-stream-parts.js';

// stream() against the SSE streams printed in Anthropic's streaming docs (see __fixtures__/SOURCES.md).

const question: ChatRequestBody = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] };
const sseHeaders = { 'content-type': 'text/event-stream' };

/** The recorded stream split into whole events (`event:` + `data:` + blank line), by hand. */
function events(stream: Buffer): string[] {
  return stream.toString('utf8').split('\n\n').filter((event) => event !== '').map((event) => `${event}\n\n`);
}

describe('Anthropic adapter: stream() replays documented SSE streams', () => {
  const replay = useAnthropicReplay();

  async function streamBytes(bytes: Buffer | string, body: ChatRequestBody = question): Promise<StreamPart[]> {
    replay.server.replay({ status: 200, headers: sseHeaders, body: Buffer.from(bytes) });
    const stream = await replay.fixtureAdapter.adapter.stream(modelRequest(body));
    expect(stream.wireFormat).toBeUndefined();
    return collect(stream);
  }

  it('asks for a stream and turns the basic text stream into parts, with one merged usage part at message_stop', async () => {
    const parts = await streamBytes(await readFixture('stream-text.sse'));

    expect(lastSentBody(replay.server)['stream']).toBe(true);
    expect(replay.server.received.at(-1)?.headers['accept']).toBe('text/event-stream');
    expect(parts).toStrictEqual([
      { type: 'stream-start', id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', model: 'claude-sonnet-4-5-20250929', created: 1_760_000_000 },
      { type: 'text-delta', choiceIndex: 0, text: 'Hello' },
      { type: 'text-delta', choiceIndex: 0, text: '!' },
      { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'end_turn' },
      // input 25 from message_start; output 15 from message_delta (cumulative, so it replaces the provisional 1).
      { type: 'usage', usage: usageOf({ inputTokens: 25, outputTokens: 15 }), providerUsage: { input_tokens: 25, output_tokens: 15 } },
    ]);
  });

  it('turns the tool-use stream into text, then tool-call deltas numbered from 0 that reassemble to the input', async () => {
    const parts = await streamBytes(await readFixture('stream-tool-use.sse'));

    expect(partsOfType(parts, 'text-delta').map((part) => part.text).join('')).toBe("Okay, let's check the weather for San Francisco, CA:");
    const deltas = partsOfType(parts, 'tool-call-delta');
    expect(deltas[0]).toStrictEqual({ type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', argumentsDelta: '' });
    // Eight non-empty partial_json fragments follow (the first of the nine is "").
    expect(deltas.slice(1)).toHaveLength(8);
    expect(deltas.slice(1).every((delta) => delta.toolCallIndex === 0 && delta.id === undefined && delta.name === undefined)).toBe(true);
    const argumentsText = deltas.map((delta) => delta.argumentsDelta).join('');
    expect(JSON.parse(argumentsText)).toStrictEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(partsOfType(parts, 'finish-reason')).toStrictEqual([{ type: 'finish-reason', choiceIndex: 0, finishReason: 'tool-calls', rawFinishReason: 'tool_use' }]);
    expect(partsOfType(parts, 'usage').map((part) => part.usage)).toStrictEqual([usageOf({ inputTokens: 472, outputTokens: 89 })]);
    expect(parts.at(-1)?.type).toBe('usage');
  });

  it('turns the extended-thinking stream into reasoning then text; its usage is unknown, so its cost is too', async () => {
    const parts = await streamBytes(await readFixture('stream-extended-thinking.sse'));

    expect(partsOfType(parts, 'reasoning-delta').map((part) => part.text).join('')).toBe(
      'Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3\n3. 27 * 400 = 10,800\n4. 27 * 50 = 1,350\n5. 27 * 3 = 81\n6. 10,800 + 1,350 + 81 = 12,231',
    );
    expect(partsOfType(parts, 'text-delta')).toStrictEqual([{ type: 'text-delta', choiceIndex: 0, text: '27 * 453 = 12,231' }]);
    expect(parts.findIndex((part) => part.type === 'text-delta')).toBeGreaterThan(parts.findLastIndex((part) => part.type === 'reasoning-delta'));
    // The documented stream sends no usage at all: one usage part saying so, never zeros.
    const usage = partsOfType(parts, 'usage');
    expect(usage).toStrictEqual([{ type: 'usage', usage: usageOf({}), providerUsage: undefined }]);
    const cost = createCostCalculator().cost({ providerId: 'anthropic', pricingProviderId: 'anthropic', model: 'claude-sonnet-4-5', usage: usage[0]!.usage, at: Date.parse('2025-10-15') });
    expect(cost.kind).toBe('unknown');
  });

  it('ends with an overloaded error part, and nothing after it, when the stream carries an error event', async () => {
    // The basic stream's first four events, the docs' error event, then the basic stream's rest.
    const text = events(await readFixture('stream-text.sse'));
    const errorEvent = (await readFixture('stream-error-overloaded.sse')).toString('utf8');
    const parts = await streamBytes([...text.slice(0, 4), errorEvent, ...text.slice(4)].join(''));

    expect(parts.map((part) => part.type)).toStrictEqual(['stream-start', 'text-delta', 'error']);
    const error = partsOfType(parts, 'error')[0]?.error;
    expect(error?.code).toBe('TG_ERR_UPSTREAM_OVERLOADED');
    expect(error?.status).toBe(503);
    expect(error?.isRetryable).toBe(true);
    expect(error?.message).toContain('overloaded_error');
  });

  it('ends with an interrupted, retryable error when the upstream closes before message_stop', async () => {
    const text = events(await readFixture('stream-text.sse'));
    expect(text.at(-1)).toContain('message_stop');

    const parts = await streamBytes(text.slice(0, -1).join(''));

    expect(partsOfType(parts, 'finish-reason')).toHaveLength(1);
    expect(partsOfType(parts, 'usage')).toStrictEqual([]);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_STREAM_INTERRUPTED', isRetryable: true } });
  });

  it('ends with an interrupted error, and nothing after it, when the socket dies mid-event', async () => {
    const text = events(await readFixture('stream-tool-use.sse'));
    const fiveEvents = text.slice(0, 5).join('');
    replay.server.replay({ status: 200, headers: sseHeaders, body: Buffer.from(fiveEvents + (text[5] ?? '').slice(0, 40)), ending: 'hold' });

    const stream = await replay.fixtureAdapter.adapter.stream(modelRequest(question));
    const parts: StreamPart[] = [];
    for await (const part of stream) {
      parts.push(part);
      // Events 4 and 5 are the first two text deltas: once both are out, cut the connection.
      if (partsOfType(parts, 'text-delta').length === 2) replay.server.cutOpenResponses();
    }

    expect(partsOfType(parts, 'text-delta').map((part) => part.text)).toStrictEqual(['Okay', ',']);
    expect(partsOfType(parts, 'error')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_STREAM_INTERRUPTED', isRetryable: true } });
  });

  it('ends with TG_ERR_UPSTREAM_PROTOCOL when an event is not JSON', async () => {
    const text = events(await readFixture('stream-text.sse'));
    const parts = await streamBytes([text[0], 'event: content_block_delta\ndata: {"type": "content_block_delta", "ind\n\n', ...text.slice(1)].join(''));

    expect(parts.map((part) => part.type)).toStrictEqual(['stream-start', 'error']);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_UPSTREAM_PROTOCOL' } });
  });
});

describe('createAnthropicStreamTranslator', () => {
  // Hand-made events in the documented shapes, for cases no documented stream shows.
  const event = (data: Record<string, unknown>) => ({ event: String(data['type']), data: JSON.stringify(data) });

  it('numbers tool calls from 0 across tool_use blocks only, and gives a call that streamed no JSON its start input', () => {
    const translator = createAnthropicStreamTranslator('anthropic-main', () => 0);
    const parts = [
      { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'now', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'lookup', input: { query: 'oven' } } },
      { type: 'content_block_stop', index: 2 },
    ].flatMap((data) => translator.accept(event(data)).parts);

    expect(parts).toStrictEqual([
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: 'toolu_a', name: 'now', argumentsDelta: '' },
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: undefined, name: undefined, argumentsDelta: '{}' },
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 1, id: 'toolu_b', name: 'lookup', argumentsDelta: '' },
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 1, id: undefined, name: undefined, argumentsDelta: '{"query":"oven"}' },
    ]);
  });

  it('maps an in-stream rate_limit_error to TG_ERR_UPSTREAM_RATE_LIMITED and an invalid_request_error to a non-retryable interruption', () => {
    const rateLimited = createAnthropicStreamTranslator('anthropic-main', () => 0).accept(event({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }));
    expect(rateLimited.done).toBe(true);
    expect(rateLimited.parts).toMatchObject([{ type: 'error', error: { code: 'TG_ERR_UPSTREAM_RATE_LIMITED', isRetryable: true } }]);
    const invalid = createAnthropicStreamTranslator('anthropic-main', () => 0).accept(event({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }));
    expect(invalid.parts).toMatchObject([{ type: 'error', error: { code: 'TG_ERR_STREAM_INTERRUPTED', isRetryable: false } }]);
  });
});

import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import type { ModelStream } from '../../core/model-call.js';
import type { StreamPart } from '../../core/stream-part.js';
import {
  useReplayAdapter,
  modelRequest,
  readFixture,
  sseEventData,
} from './__fixtures__/replay-server.js';

// stream() against SSE streams recorded byte for byte from api.openai.com (see __fixtures__/SOURCES.md).

const weatherQuestion: ChatRequestBody = {
  model: 'gpt-4o-2024-08-06',
  messages: [{ role: 'user', content: "What's the weather like in SF?" }],
};

const sseHeaders = { 'content-type': 'text/event-stream' };

async function collect(stream: ModelStream): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function partsOfType<T extends StreamPart['type']>(parts: StreamPart[], type: T): Extract<StreamPart, { type: T }>[] {
  return parts.filter((part): part is Extract<StreamPart, { type: T }> => part.type === type);
}

describe('OpenAI-compatible adapter: stream() replays recorded SSE streams', () => {
  const replay = useReplayAdapter();

  async function streamFixture(fixture: string, body: ChatRequestBody = weatherQuestion): Promise<{ bytes: Buffer; parts: StreamPart[] }> {
    const bytes = await readFixture(fixture);
    replay.server.replay({ status: 200, headers: sseHeaders, body: bytes });
    const stream = await replay.fixtureAdapter.adapter.stream(modelRequest(body));
    expect(stream.wireFormat).toBe('openai-chat');
    return { bytes, parts: await collect(stream) };
  }

  it('asks upstream for a stream with usage even when the request asked for neither', async () => {
    await streamFixture('chat-completion-stream-text.sse');

    const sent = JSON.parse(replay.server.received.at(-1)?.body.toString('utf8') ?? '{}') as ChatRequestBody;
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toStrictEqual({ include_usage: true });
    expect(sent.messages).toStrictEqual(weatherQuestion.messages);
    expect(replay.server.received.at(-1)?.headers['authorization']).toBe('Bearer sk-test');
    expect(replay.server.received.at(-1)?.headers['accept']).toBe('text/event-stream');
  });

  it('overrides include_usage: false and keeps the other stream_options', async () => {
    await streamFixture('chat-completion-stream-text.sse', { ...weatherQuestion, stream: true, stream_options: { include_usage: false, extra: 'kept' } });

    const sent = JSON.parse(replay.server.received.at(-1)?.body.toString('utf8') ?? '{}') as ChatRequestBody;
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toStrictEqual({ include_usage: true, extra: 'kept' });
  });

  it('forwards the client bytes unchanged when they already ask for a stream with usage', async () => {
    const bytes = await readFixture('chat-completion-stream-text.sse');
    replay.server.replay({ status: 200, headers: sseHeaders, body: bytes });
    const clientBytes = Buffer.from('{"model":"gpt-4o-2024-08-06", "stream":true, "stream_options":{"include_usage":true}, "messages":[{"role":"user","content":"hi"}]}');
    const body = JSON.parse(clientBytes.toString('utf8')) as ChatRequestBody;

    await collect(await replay.fixtureAdapter.adapter.stream(modelRequest(body, { rawBody: clientBytes })));

    expect(replay.server.received.at(-1)?.body.equals(clientBytes)).toBe(true);
  });

  it('turns the recorded text stream into typed parts, usage once, and every event verbatim', async () => {
    const { bytes, parts } = await streamFixture('chat-completion-stream-text.sse');
    const events = sseEventData(bytes);

    expect(partsOfType(parts, 'stream-start')).toStrictEqual([
      { type: 'stream-start', id: 'chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2', model: 'gpt-4o-2024-08-06', created: 1723024748 },
    ]);
    const text = partsOfType(parts, 'text-delta').map((part) => part.text).join('');
    expect(text).toBe(
      "I'm unable to provide real-time updates, including current weather information. For the latest weather in San Francisco, I recommend checking a reliable weather website or app such as the Weather Channel, BBC Weather, or a local San Francisco news station.",
    );
    expect(partsOfType(parts, 'text-delta')).toHaveLength(47);
    expect(partsOfType(parts, 'finish-reason')).toStrictEqual([{ type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'stop' }]);
    // usage 14 / 47 / 61, no details: cache reads and reasoning unknown.
    expect(partsOfType(parts, 'usage')).toStrictEqual([
      {
        type: 'usage',
        usage: { inputTokens: 14, cacheReadTokens: undefined, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: 47, reasoningTokens: undefined },
        providerUsage: { prompt_tokens: 14, completion_tokens: 47, total_tokens: 61 },
      },
    ]);
    const raw = partsOfType(parts, 'raw');
    expect(raw.map((part) => part.data)).toStrictEqual(events);
    expect(raw.filter((part) => part.usageOnly).map((part) => part.data)).toStrictEqual([events.at(-2)]);
    expect(parts.at(-1)).toStrictEqual({ type: 'raw', format: 'openai-chat', data: '[DONE]', usageOnly: false });
    expect(partsOfType(parts, 'error')).toStrictEqual([]);
  });

  it('turns the recorded tool-call stream into deltas that reassemble to the call', async () => {
    const { bytes, parts } = await streamFixture('chat-completion-stream-tool-call.sse');

    const deltas = partsOfType(parts, 'tool-call-delta');
    expect(deltas).toHaveLength(15);
    expect(deltas[0]).toStrictEqual({
      type: 'tool-call-delta',
      choiceIndex: 0,
      toolCallIndex: 0,
      id: 'call_7PhhveOvvpPK53s1fV8TWhoV',
      name: 'GetWeatherArgs',
      argumentsDelta: '',
    });
    expect(deltas.slice(1).every((delta) => delta.toolCallIndex === 0 && delta.id === undefined && delta.name === undefined)).toBe(true);
    expect(deltas.map((delta) => delta.argumentsDelta).join('')).toBe('{"city":"Edinburgh","country":"GB","units":"c"}');
    expect(partsOfType(parts, 'text-delta')).toStrictEqual([]);
    expect(partsOfType(parts, 'finish-reason')).toStrictEqual([
      { type: 'finish-reason', choiceIndex: 0, finishReason: 'tool-calls', rawFinishReason: 'tool_calls' },
    ]);
    expect(partsOfType(parts, 'usage').map((part) => part.usage)).toStrictEqual([
      { inputTokens: 76, cacheReadTokens: undefined, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: 24, reasoningTokens: undefined },
    ]);
    expect(partsOfType(parts, 'raw').map((part) => part.data)).toStrictEqual(sseEventData(bytes));
    expect(parts.at(-1)).toMatchObject({ type: 'raw', data: '[DONE]' });
  });

  it('ends with an interrupted error, and nothing after it, when the socket dies mid-event', async () => {
    const bytes = await readFixture('chat-completion-stream-tool-call.sse');
    const events = sseEventData(bytes);
    // Five whole events, then half of the sixth.
    const fiveEvents = events.slice(0, 5).map((data) => `data: ${data}\n\n`).join('');
    const sixth = `data: ${events[5] ?? ''}\n\n`;
    const cutAt = Buffer.byteLength(fiveEvents) + Math.floor(Buffer.byteLength(sixth) / 2);
    expect(bytes.subarray(0, Buffer.byteLength(fiveEvents)).toString('utf8')).toBe(fiveEvents);
    replay.server.replay({ status: 200, headers: sseHeaders, body: bytes.subarray(0, cutAt), ending: 'hold' });

    const stream = await replay.fixtureAdapter.adapter.stream(modelRequest(weatherQuestion));
    const parts: StreamPart[] = [];
    for await (const part of stream) {
      parts.push(part);
      if (part.type === 'raw' && partsOfType(parts, 'raw').length === 5) replay.server.cutOpenResponses();
    }

    expect(partsOfType(parts, 'raw').map((part) => part.data)).toStrictEqual(events.slice(0, 5));
    const errors = partsOfType(parts, 'error');
    expect(errors).toHaveLength(1);
    expect(parts.at(-1)).toBe(errors[0]);
    expect(errors[0]?.error.code).toBe('TG_ERR_STREAM_INTERRUPTED');
    expect(errors[0]?.error.isRetryable).toBe(true);
  });

  it('ends with an interrupted error when the upstream closes cleanly before [DONE]', async () => {
    const bytes = await readFixture('chat-completion-stream-text.sse');
    const withoutDone = bytes.subarray(0, bytes.length - Buffer.byteLength('data: [DONE]\n\n'));
    expect(withoutDone.toString('utf8').endsWith('"total_tokens":61}}\n\n')).toBe(true);
    replay.server.replay({ status: 200, headers: sseHeaders, body: withoutDone });

    const parts = await collect(await replay.fixtureAdapter.adapter.stream(modelRequest(weatherQuestion)));

    expect(partsOfType(parts, 'usage')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_STREAM_INTERRUPTED' } });
    expect(partsOfType(parts, 'raw').some((part) => part.data === '[DONE]')).toBe(false);
  });
});

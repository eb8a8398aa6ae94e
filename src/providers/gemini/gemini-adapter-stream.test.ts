import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import { usageOf } from '../../core/usage.js';
import { makeModelRequest } from '../../testing/model-request-fixture.js';
import { collectParts, partsOfType, readGeminiFixture, testApiKey, testCreated, useGeminiReplay } from './__fixtures__/gemini-replay.js';

// stream() against recorded streamGenerateContent?alt=sse bodies (see __fixtures__/SOURCES.md).

const question: ChatRequestBody = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Why is the sky blue?' }] };
const sseHeaders = { 'content-type': 'text/event-stream' };

/** The SSE events of a recording, split by hand (CRLF or LF) so the adapter's parser is not the oracle. */
function eventsOf(bytes: Buffer): string[] {
  return bytes.toString('utf8').split(/\r?\n\r?\n/).filter((event) => event.trim() !== '');
}

describe('Gemini adapter: stream()', () => {
  const replay = useGeminiReplay();

  async function streamFixture(fixture: string | Buffer): Promise<StreamPart[]> {
    const bytes = typeof fixture === 'string' ? await readGeminiFixture(fixture) : fixture;
    replay.server.replay({ status: 200, headers: sseHeaders, body: bytes });
    const stream = await replay.adapter.stream(makeModelRequest(question));
    expect(stream.wireFormat).toBeUndefined();
    return collectParts(stream);
  }

  it('POSTs to models/<model>:streamGenerateContent?alt=sse asking for an event stream', async () => {
    await streamFixture('stream-text.sse');

    const received = replay.server.received.at(-1);
    expect(received?.url).toBe('/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(received?.headers['accept']).toBe('text/event-stream');
    expect(received?.headers['x-goog-api-key']).toBe(testApiKey);
    expect(JSON.parse(received?.body.toString('utf8') ?? '{}')).toStrictEqual({ contents: [{ role: 'user', parts: [{ text: 'Why is the sky blue?' }] }] });
  });

  it('a text stream: start, every delta in order, one finish, one usage from the last chunk, no error', async () => {
    const parts = await streamFixture('stream-text.sse');

    expect(parts).toStrictEqual([
      { type: 'stream-start', id: expect.stringMatching(/^chatcmpl-test-\d+$/) as unknown as string, model: 'gemini-3.1-flash-lite', created: testCreated },
      { type: 'text-delta', choiceIndex: 0, text: 'The' },
      { type: 'text-delta', choiceIndex: 0, text: ' capital of Wyoming' },
      { type: 'text-delta', choiceIndex: 0, text: ' is **Cheyenne**.\n' },
      { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'STOP' },
      {
        type: 'usage',
        usage: usageOf({ inputTokens: 7, cacheReadTokens: 0, outputTokens: 10, reasoningTokens: 0 }),
        providerUsage: {
          promptTokenCount: 7,
          candidatesTokenCount: 10,
          totalTokenCount: 17,
          promptTokensDetails: [{ modality: 'TEXT', tokenCount: 7 }],
          candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 10 }],
        },
      },
    ]);
  });

  it('a thinking stream (CRLF): thoughts as reasoning deltas, usage from the LAST cumulative metadata', async () => {
    const parts = await streamFixture('stream-thinking.sse');

    expect(partsOfType(parts, 'stream-start')).toStrictEqual([{ type: 'stream-start', id: '0J-HaJetAqv0jrEPwu-tsQ0', model: 'gemini-2.5-flash', created: testCreated }]);
    const reasoning = partsOfType(parts, 'reasoning-delta');
    expect(reasoning.map((part) => part.text.split('\n')[0])).toStrictEqual(['**Exploring Sky Color**', '**Refining the Explanation**', '**Constructing a Concise Answer**']);
    expect(partsOfType(parts, 'text-delta').map((part) => part.text).join('')).toBe(
      "The sky is blue because tiny gas molecules in Earth's atmosphere scatter blue light from the sun more efficiently than other colors. Blue light has shorter, smaller wavelengths, causing it to be scattered in all directions, making the sky appear blue to our eyes.",
    );
    // Chunks carried thoughts 70 → 318 → 540 and candidates 22 → 48: only the last counts, once.
    expect(partsOfType(parts, 'usage').map((part) => part.usage)).toStrictEqual([usageOf({ inputTokens: 10, cacheReadTokens: 0, outputTokens: 48, reasoningTokens: 540 })]);
    expect(parts.at(-1)?.type).toBe('usage');
  });

  it('a function call stream (CRLF): one whole tool-call delta, finish tool-calls with STOP kept raw', async () => {
    const parts = await streamFixture('stream-thinking-function-call.sse');

    expect(partsOfType(parts, 'reasoning-delta')).toHaveLength(2);
    expect(partsOfType(parts, 'tool-call-delta')).toStrictEqual([
      { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: 'call_0', name: 'now', argumentsDelta: '{}' },
    ]);
    expect(partsOfType(parts, 'finish-reason')).toStrictEqual([{ type: 'finish-reason', choiceIndex: 0, finishReason: 'tool-calls', rawFinishReason: 'STOP' }]);
    expect(partsOfType(parts, 'usage').map((part) => part.usage)).toStrictEqual([usageOf({ inputTokens: 38, cacheReadTokens: 0, outputTokens: 6, reasoningTokens: 168 })]);
  });

  it('a prompt blocked mid-stream: content-filter finish, usage from the last metadata seen', async () => {
    const recorded = await readGeminiFixture('stream-prompt-blocked.sse');
    // The recording's last event lacks its closing blank line (next test); complete it here.
    const parts = await streamFixture(Buffer.concat([recorded, Buffer.from('\r\n')]));

    expect(partsOfType(parts, 'text-delta').map((part) => part.text)).toStrictEqual(['text1', 'text2', 'text3']);
    expect(partsOfType(parts, 'finish-reason')).toStrictEqual([{ type: 'finish-reason', choiceIndex: 0, finishReason: 'content-filter', rawFinishReason: 'SAFETY' }]);
    expect(partsOfType(parts, 'usage').map((part) => part.usage)).toStrictEqual([usageOf({ inputTokens: 7, cacheReadTokens: 0, outputTokens: 0, reasoningTokens: 0 })]);
    expect(partsOfType(parts, 'error')).toStrictEqual([]);
  });

  it('an event never closed by a blank line is dropped: the stream ended without a finish reason', async () => {
    const recorded = await readGeminiFixture('stream-prompt-blocked.sse');
    expect(recorded.toString('utf8').endsWith('}}\r\n')).toBe(true);

    const parts = await streamFixture('stream-prompt-blocked.sse');

    expect(partsOfType(parts, 'text-delta')).toHaveLength(3);
    expect(partsOfType(parts, 'finish-reason')).toStrictEqual([]);
    expect(partsOfType(parts, 'usage')).toStrictEqual([]);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_STREAM_INTERRUPTED', isRetryable: true } });
  });

  it('a clean end of the body before any finishReason -> one interrupted error, nothing after it', async () => {
    const recorded = await readGeminiFixture('stream-text.sse');
    const events = eventsOf(recorded);
    const parts = await streamFixture(Buffer.from(events.slice(0, 2).map((event) => `${event}\n\n`).join('')));

    expect(partsOfType(parts, 'text-delta')).toHaveLength(2);
    expect(partsOfType(parts, 'error')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_STREAM_INTERRUPTED' } });
  });

  it('an error object in the stream -> one mapped error part, last', async () => {
    const first = eventsOf(await readGeminiFixture('stream-text.sse'))[0] ?? '';
    const overloaded = JSON.stringify(JSON.parse((await readGeminiFixture('error-503-overloaded.json')).toString('utf8')));
    const parts = await streamFixture(Buffer.from(`${first}\n\ndata: ${overloaded}\n\n`));

    expect(partsOfType(parts, 'text-delta')).toHaveLength(1);
    expect(partsOfType(parts, 'error')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_UPSTREAM_OVERLOADED', status: 503, isRetryable: true } });
  });

  it('an event that is not JSON -> one protocol error part', async () => {
    const parts = await streamFixture(Buffer.from('data: {"candidates": [\n\n'));

    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: 'error', error: { code: 'TG_ERR_UPSTREAM_PROTOCOL' } });
  });

  it('the socket dying mid-stream -> one interrupted error, last, after the parts already read', async () => {
    const recorded = await readGeminiFixture('stream-thinking.sse');
    const twoEvents = recorded.subarray(0, recorded.indexOf('\r\n\r\n', recorded.indexOf('\r\n\r\n') + 4) + 4);
    replay.server.replay({ status: 200, headers: sseHeaders, body: twoEvents, ending: 'hold' });

    const parts: StreamPart[] = [];
    for await (const part of await replay.adapter.stream(makeModelRequest(question))) {
      parts.push(part);
      if (partsOfType(parts, 'reasoning-delta').length === 2) replay.server.cutOpenResponses();
    }

    expect(partsOfType(parts, 'reasoning-delta')).toHaveLength(2);
    expect(partsOfType(parts, 'error')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_STREAM_INTERRUPTED', isRetryable: true } });
    expect(partsOfType(parts, 'usage')).toStrictEqual([]);
  });
});

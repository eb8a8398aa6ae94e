import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { TollgateError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import type { ModelCall, ModelRequest } from '../core/model-call.js';
import type { StreamPart } from '../core/stream-part.js';
import { usageOf } from '../core/usage.js';
import { createGatewayServer, type GatewayServer } from './gateway-server.js';

/** A pipeline whose streams are typed parts only (as an Anthropic or Gemini adapter yields them). */
function typedPartsPipeline(): ModelCall {
  return {
    generate: async () => {
      throw new TollgateError({ code: 'TG_ERR_INTERNAL', message: 'not used' });
    },
    stream: async (request: ModelRequest) => {
      const fail = request.body.model === 'breaks';
      const throws = request.body.model === 'throws';
      async function* parts(): AsyncGenerator<StreamPart> {
        yield { type: 'stream-start', id: 'msg_1', model: 'claude-sonnet-4-5', created: 1_700_000_000 };
        yield { type: 'text-delta', choiceIndex: 0, text: 'Hello' };
        if (throws) throw new Error('adapter bug after the first byte');
        if (fail) {
          yield { type: 'error', error: new TollgateError({ code: 'TG_ERR_STREAM_INTERRUPTED', message: 'overloaded mid-stream', isRetryable: true }) };
          return;
        }
        yield { type: 'text-delta', choiceIndex: 0, text: ', world' };
        yield { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'end_turn' };
        yield { type: 'usage', usage: usageOf({ inputTokens: 12, cacheReadTokens: 0, outputTokens: 3, reasoningTokens: 0 }), providerUsage: {} };
      }
      return { wireFormat: undefined, [Symbol.asyncIterator]: parts };
    },
  };
}

describe('gateway server: streams of typed parts are encoded as OpenAI SSE', () => {
  let server: GatewayServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = createGatewayServer({
      pipeline: typedPartsPipeline(),
      modelNames: ['smart', 'breaks', 'throws'],
      clock: systemClock,
      logger: silentLogger,
      maxBodyBytes: 1024 * 1024,
      readiness: () => undefined,
    });
    const { url } = await server.listen(0, '127.0.0.1');
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => {
    if (!server.isDraining()) await server.drain(1000);
  });

  it('an OpenAI client reads text, finish reason and usage', async () => {
    const stream = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
      expect(chunk.id).toBe('msg_1');
    }
    expect(text).toBe('Hello, world');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
  });

  it('a failure after the first byte reaches the client as an error, with no [DONE]', async () => {
    const response = await fetch(`${client.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'breaks', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const text = await response.text();
    expect(text).toContain('"code":"TG_ERR_STREAM_INTERRUPTED"');
    expect(text).not.toContain('[DONE]');
    const stream = await client.chat.completions.create({ model: 'breaks', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow(/overloaded mid-stream/);
  });

  it('a stream whose iterator throws after the first byte ends with an error event, not a hang', async () => {
    const response = await fetch(`${client.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'throws', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"content":"Hello"');
    expect(text).toContain('"code":"TG_ERR_INTERNAL"');
    expect(text).not.toContain('[DONE]');
  });

  it('drain lets an in-flight stream finish before it resolves', async () => {
    const stream = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const drained = server.drain(5000);
    expect(server.isDraining()).toBe(true);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello, world');
    expect(await drained).toEqual({ unfinished: 0 });
  });
});

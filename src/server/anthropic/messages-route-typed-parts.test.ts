import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import type { ModelCall, ModelRequest } from '../../core/model-call.js';
import type { StreamPart } from '../../core/stream-part.js';
import { usageOf } from '../../core/usage.js';
import { createGatewayServer, type GatewayServer } from '../gateway-server.js';

/** A pipeline whose streams are typed parts only, as a non-OpenAI adapter yields them; it records what it was sent. */
function typedPartsPipeline(received: ModelRequest[]): ModelCall {
  return {
    generate: async () => {
      throw new TollgateError({ code: 'TG_ERR_UPSTREAM_OVERLOADED', message: 'upstream overloaded', isRetryable: true });
    },
    stream: async (request: ModelRequest) => {
      received.push(request);
      const model = request.body.model;
      async function* parts(): AsyncGenerator<StreamPart> {
        yield { type: 'stream-start', id: 'msg_upstream_1', model: 'claude-sonnet-4-5', created: 1_700_000_000 };
        yield { type: 'reasoning-delta', choiceIndex: 0, text: 'Think' };
        yield { type: 'reasoning-delta', choiceIndex: 0, text: 'ing.' };
        yield { type: 'text-delta', choiceIndex: 0, text: 'Hello' };
        if (model === 'throws') throw new Error('adapter bug after the first byte');
        if (model === 'breaks') {
          yield { type: 'error', error: new TollgateError({ code: 'TG_ERR_UPSTREAM_OVERLOADED', message: 'overloaded mid-stream' }) };
          return;
        }
        yield { type: 'text-delta', choiceIndex: 0, text: ', world' };
        yield { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'stop_sequence' };
        yield { type: 'usage', usage: usageOf({ inputTokens: 12, cacheReadTokens: 30, cacheWrite5mTokens: 4, outputTokens: 3, reasoningTokens: 7 }), providerUsage: {} };
      }
      return { wireFormat: undefined, [Symbol.asyncIterator]: parts };
    },
  };
}

describe('Anthropic front door over typed stream parts (a non-OpenAI upstream)', () => {
  let server: GatewayServer;
  let url: string;
  let client: Anthropic;
  const received: ModelRequest[] = [];
  beforeAll(async () => {
    server = createGatewayServer({
      pipeline: typedPartsPipeline(received),
      modelNames: ['smart', 'breaks', 'throws'],
      clock: systemClock,
      logger: silentLogger,
      maxBodyBytes: 1024 * 1024,
      readiness: () => undefined,
    });
    url = (await server.listen(0, '127.0.0.1')).url;
    client = new Anthropic({ baseURL: url, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.drain(1000);
  });

  it('reasoning becomes a thinking block, the upstream msg_ id is kept, and message_delta carries the final usage', async () => {
    const stream = client.messages.stream({ model: 'smart', max_tokens: 100, stop_sequences: ['END'], messages: [{ role: 'user', content: 'hi' }] });
    const message = await stream.finalMessage();
    expect(message.id).toBe('msg_upstream_1');
    expect(message.model).toBe('smart');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Thinking.', signature: '' },
      { type: 'text', text: 'Hello, world' },
    ]);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('END');
    expect(message.usage).toMatchObject({ input_tokens: 12, cache_read_input_tokens: 30, cache_creation_input_tokens: 4, output_tokens: 10 });
  });

  it('sends the pipeline a neutral body marked as an Anthropic client', async () => {
    received.length = 0;
    await client.messages.stream({ model: 'smart', max_tokens: 100, top_k: 3, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    const [request] = received;
    expect(request?.context.clientFormat).toBe('anthropic');
    expect(request?.context.tags.endpoint).toBe('/v1/messages');
    expect(request?.rawBody).toBeUndefined();
    expect(request?.body).toMatchObject({ model: 'smart', max_tokens: 100, top_k: 3, stream: true, stream_options: { include_usage: true } });
  });

  it('an error part after the first byte → event: error with overloaded_error and no message_stop; the SDK throws', async () => {
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'breaks', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"text":"Hello"');
    expect(text).toContain('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"overloaded mid-stream"}');
    expect(text).not.toContain('message_stop');
    const stream = client.messages.stream({ model: 'breaks', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/overloaded mid-stream/);
  });

  it('an iterator that throws after the first byte → event: error with api_error, not a hang', async () => {
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'throws', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const text = await response.text();
    expect(text).toContain('"text":"Hello"');
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"Internal error: adapter bug after the first byte"\}/);
    expect(text).not.toContain('message_stop');
  });

  it('a failure before the first byte of a non-streaming call → 503 overloaded_error', async () => {
    const error = await client.messages.create({ model: 'smart', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (thrown: unknown) => thrown as InstanceType<typeof Anthropic.APIError>,
    );
    expect(error?.status).toBe(503);
    expect(error?.type).toBe('overloaded_error');
  });
});

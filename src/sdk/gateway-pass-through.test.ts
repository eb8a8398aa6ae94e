import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

/** An upstream that records what it receives and answers with fixed bytes (a documented example). */
const upstreamBody = Buffer.from(
  '{\n  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",\n  "object": "chat.completion",\n  "created": 1741569952,\n  "model": "gpt-4o-2024-08-06",\n' +
    '  "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello! How can I assist you today?", "refusal": null, "annotations": []}, "logprobs": null, "finish_reason": "stop"}],\n' +
    '  "usage": {"prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29, "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}},\n' +
    '  "service_tier": "default"\n}\n',
);

describe('requests and responses pass through field-for-field', () => {
  let upstream: Server;
  let received: { body: unknown; bytes: string; headers: Record<string, unknown> }[];
  let harness: GatewayHarness;

  beforeAll(async () => {
    received = [];
    upstream = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const bytes = Buffer.concat(chunks).toString('utf8');
        received.push({ body: JSON.parse(bytes), bytes, headers: request.headers });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(upstreamBody);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    harness = await startGatewayHarness({ upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` });
  });
  afterAll(async () => {
    await harness.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('sends every field the client sent, untouched, and returns the upstream bytes unchanged', async () => {
    const request = {
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      tools: [{ type: 'function', function: { name: 'look', description: 'Look closer', parameters: { type: 'object', properties: { x: { type: 'number' } } }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'look' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false } } },
      n: 2,
      seed: 1234,
      logprobs: true,
      top_logprobs: 3,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['\n\n'],
      max_completion_tokens: 99,
      frequency_penalty: 0.1,
      presence_penalty: -0.1,
      logit_bias: { '50256': -100 },
      metadata: { run: 'pass-through' },
      store: false,
      service_tier: 'auto',
      user: 'end-user-7',
      some_future_field: { nested: [1, 2, 3] },
    };
    const text = JSON.stringify(request);
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer client-key' },
      body: text,
    });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(upstreamBody)).toBe(true);
    const last = received.at(-1)!;
    expect(last.body).toEqual(request);
    expect(last.bytes).toBe(text);
    // The provider key is the gateway's, never the client's.
    expect(last.headers['authorization']).toBe('Bearer sk-test-provider-key');
    // gpt-4o: 19 × 2500 + 10 × 10000 nanos = 147,500 nanos.
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000147500');
  });

  it('rewrites only the model name when the logical name differs from the upstream one', async () => {
    await harness.client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'hi' }], seed: 5 });
    expect(received.at(-1)!.body).toEqual({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], seed: 5 });
  });
});

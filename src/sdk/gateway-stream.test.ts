import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

describe('gateway with the official openai client (streaming)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness();
  });
  afterAll(async () => harness.close());

  it('streams with include_usage: the client gets the usage chunk and the ledger bills it', async () => {
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a story.' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let text = '';
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage).toBeDefined();
    const row = (await harness.ledgerRows()).find((entry) => entry.requestId === response.headers.get('x-tollgate-request-id'));
    // gpt-4o-mini: 150 / 600 nanos per input / output token.
    expect(row).toMatchObject({ stream: true, status: 'ok', inputTokens: usage!.prompt_tokens, outputTokens: usage!.completion_tokens });
    expect(row?.costNanos).toBe(usage!.prompt_tokens * 150 + usage!.completion_tokens * 600);
    expect(row?.ttftMs).not.toBeNull();
  });

  it('streams without include_usage: no usage chunk reaches the client, yet the call is billed', async () => {
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Count to five.' }], stream: true })
      .withResponse();
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.choices.length).toBeGreaterThan(0);
    }
    expect(chunks).toBeGreaterThan(1);
    const row = (await harness.ledgerRows()).find((entry) => entry.requestId === response.headers.get('x-tollgate-request-id'));
    expect(row?.inputTokens).toBeGreaterThan(0);
    expect(row?.outputTokens).toBeGreaterThan(0);
    // gpt-4o: 2500 / 10000 nanos per input / output token.
    expect(row?.costNanos).toBe(row!.inputTokens! * 2500 + row!.outputTokens! * 10000);
  });

  it('streams tool calls whose arguments reassemble into JSON', async () => {
    const stream = await harness.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
    });
    let name = '';
    let argumentsText = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      name += call?.function?.name ?? '';
      argumentsText += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentsText)).toHaveProperty('city');
    expect(finish).toBe('tool_calls');
  });

  it('ends a stream cut mid-way with an explicit error event, never a clean end', async () => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { cutAfterChunks: 3 } }]);
    const stream = await harness.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'A long answer please.' }],
      max_tokens: 300,
      stream: true,
    });
    let received = 0;
    const consume = async () => {
      for await (const chunk of stream) if (chunk.choices.length > 0) received++;
    };
    const failure = await consume().then(
      () => undefined,
      (error: unknown) => error as { message: string; code?: string },
    );
    expect(failure?.message).toMatch(/broke off the stream|ended the stream before \[DONE\]/);
    expect(failure?.code).toBe('TG_ERR_STREAM_INTERRUPTED');
    expect(received).toBeGreaterThan(0);
    const rows = await harness.ledgerRows();
    const broken = rows.filter((row) => row.errorCode === 'TG_ERR_STREAM_INTERRUPTED');
    expect(broken).toHaveLength(1);
    // Billed for what it produced: the counted prompt and the streamed text, and flagged as estimated.
    expect(broken[0]).toMatchObject({ status: 'error', stream: true, providerUsage: '{"tollgate_estimated":true}' });
    expect(broken[0]?.priceSource).toMatch(/^estimated:/);
    expect(broken[0]?.outputTokens).toBeGreaterThan(0);
    expect(broken[0]?.outputTokens).toBeLessThan(300);
    expect(broken[0]?.costNanos).toBeGreaterThan(0);
    expect(broken[0]?.warnings).toMatch(/usage estimated/);
  });

  it('writes the SSE framing byte-for-byte with a cost comment before [DONE]', async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    const events = text.split('\n\n').filter((event) => event !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.at(-2)).toMatch(/^: x-tollgate-cost-usd=\d+\.\d{9}$/);
    const usageChunk = JSON.parse(events.at(-3)!.slice('data: '.length));
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.total_tokens).toBe(usageChunk.usage.prompt_tokens + usageChunk.usage.completion_tokens);
  });
});

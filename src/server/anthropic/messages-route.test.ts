import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../../testing/gateway-harness.js';

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic front door with the official @anthropic-ai/sdk', () => {
  let harness: GatewayHarness;
  let client: Anthropic;
  beforeAll(async () => {
    harness = await startGatewayHarness();
    client = new Anthropic({ baseURL: harness.url, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => harness.close());

  async function ledgerRowsFor(requestId: string | null) {
    return (await harness.ledgerRows()).filter((row) => row.requestId === requestId);
  }

  it('messages.create answers with a text block; usage equals the ledger row written for the request', async () => {
    const { data, response } = await client.messages
      .create(
        { model: 'gpt-4o-mini', max_tokens: 1000, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello.' }], metadata: { user_id: 'anthropic-user' } },
        { headers: { 'x-tollgate-team': 'platform', 'x-tollgate-feature': 'greeting' } },
      )
      .withResponse();
    const requestId = response.headers.get('x-tollgate-request-id');
    expect(data).toMatchObject({ type: 'message', role: 'assistant', model: 'gpt-4o-mini', stop_reason: 'end_turn', stop_sequence: null });
    expect(data.id).toBe(`msg_${requestId?.replaceAll('-', '')}`);
    expect(data.content).toHaveLength(1);
    expect(data.content[0]?.type === 'text' ? data.content[0].text.length : 0).toBeGreaterThan(0);

    const rows = await ledgerRowsFor(requestId);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ endpoint: '/v1/messages', logicalModel: 'gpt-4o-mini', user: 'anthropic-user', team: 'platform', feature: 'greeting', stream: false, status: 'ok' });
    expect(data.usage.input_tokens).toBe(row.inputTokens);
    expect(data.usage.cache_read_input_tokens).toBe(row.cacheReadTokens);
    expect(data.usage.cache_creation_input_tokens).toBeNull();
    expect(data.usage.output_tokens).toBe(row.outputTokens! + row.reasoningTokens!);
    // gpt-4o-mini: 150 / 600 nano-dollars per input / output token.
    expect(row.costNanos).toBe(data.usage.input_tokens * 150 + data.usage.output_tokens * 600);
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((row.costNanos! / 1e9).toFixed(9));
  });

  it('counts reasoning tokens into output_tokens, as Anthropic bills thinking', async () => {
    const { data, response } = await client.messages
      .create({ model: 'o3-mini', max_tokens: 2000, messages: [{ role: 'user', content: 'Think about primes.' }] })
      .withResponse();
    const [row] = await ledgerRowsFor(response.headers.get('x-tollgate-request-id'));
    expect(row!.reasoningTokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBe(row!.outputTokens! + row!.reasoningTokens!);
  });

  it('a max_tokens cut answers stop_reason max_tokens', async () => {
    const message = await client.messages.create({ model: 'gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'A long story please.' }] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(5);
  });

  it('tools: a forced tool answers a tool_use block with parsed input, and the tool_result round-trips', async () => {
    const question = { role: 'user' as const, content: 'Weather in Oslo?' };
    const first = await client.messages.create({
      model: 'gpt-4o',
      max_tokens: 500,
      messages: [question],
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    expect(typeof (toolUse?.type === 'tool_use' ? (toolUse.input as { city?: unknown }).city : undefined)).toBe('string');

    const second = await client.messages.create({
      model: 'gpt-4o',
      max_tokens: 500,
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.type === 'tool_use' ? toolUse.id : '', content: '12°C, cloudy' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]?.type).toBe('text');
  });

  it('warns in x-tollgate-warning about what was not carried: Anthropic extensions, thinking history, unknown fields', async () => {
    // top_k is no longer in the installed SDK's types, but Anthropic clients still send it.
    const params = {
      model: 'gpt-4o-mini',
      max_tokens: 100,
      top_k: 5,
      service_tier: 'auto' as const,
      system: [{ type: 'text' as const, text: 'You are terse.', cache_control: { type: 'ephemeral' as const } }],
      messages: [
        { role: 'user' as const, content: 'hi' },
        { role: 'assistant' as const, content: [{ type: 'thinking' as const, thinking: 'Greet back.', signature: 'sig' }, { type: 'text' as const, text: 'Hello!' }] },
        { role: 'user' as const, content: 'And again.' },
      ],
    };
    const { response } = await client.messages.create(params).withResponse();
    const warning = response.headers.get('x-tollgate-warning');
    expect(warning).toMatch(/1 thinking block\(s\) in earlier assistant turns dropped/);
    expect(warning).toMatch(/ignored unsupported field\(s\): service_tier/);
    expect(warning).toMatch(/does not support top_k, cache_control; not sent/);
  });

  it('messages.stream: text reassembles in finalMessage, whose usage equals the ledger row', async () => {
    const stream = client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 1000, messages: [{ role: 'user', content: 'Tell me a story.' }] });
    let streamedText = '';
    stream.on('text', (delta) => {
      streamedText += delta;
    });
    const message = await stream.finalMessage();
    const text = message.content[0]?.type === 'text' ? message.content[0].text : '';
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(streamedText);
    expect(message.stop_reason).toBe('end_turn');
    const [row] = await ledgerRowsFor(stream.response?.headers.get('x-tollgate-request-id') ?? null);
    expect(row).toMatchObject({ stream: true, status: 'ok', endpoint: '/v1/messages' });
    expect(message.usage.input_tokens).toBe(row!.inputTokens);
    expect(message.usage.cache_read_input_tokens).toBe(row!.cacheReadTokens);
    expect(message.usage.output_tokens).toBe(row!.outputTokens! + row!.reasoningTokens!);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('messages.stream: a tool_use block streams its input as JSON deltas', async () => {
    const stream = client.messages.stream({
      model: 'gpt-4o',
      max_tokens: 500,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
      tool_choice: { type: 'any' },
    });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type === 'tool_use' ? toolUse.name : undefined).toBe('get_weather');
    expect(JSON.parse(partials.join(''))).toEqual(toolUse?.type === 'tool_use' ? toolUse.input : undefined);
    expect(partials.length).toBeGreaterThan(0);
  });

  it('writes the SSE events byte-for-byte in Anthropic order, with a cost comment before the closing events', async () => {
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'x', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await response.text()).split('\n\n').filter((frame) => frame !== '');
    const names = frames.filter((frame) => !frame.startsWith(':')).map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const name = eventLine!.slice('event: '.length);
      expect(JSON.parse(dataLine!.slice('data: '.length)).type).toBe(name);
      return name;
    });
    expect(names.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(names.slice(3, -3))).toEqual(new Set(['content_block_delta']));
    expect(frames.at(-4)).toMatch(/^: x-tollgate-cost-usd=\d+\.\d{9}$/);
  });

  it('a stream cut mid-way ends with an error event and no message_stop; the SDK throws', async () => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { cutAfterChunks: 3 } }]);
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 300, messages: [{ role: 'user', content: 'A long answer please.' }], stream: true }),
    });
    const text = await response.text();
    expect(text).toContain('event: content_block_delta');
    const errorFrame = text.split('\n\n').find((frame) => frame.startsWith('event: error\n'));
    expect(JSON.parse(errorFrame!.slice('event: error\ndata: '.length))).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringMatching(/broke off the stream/) } });
    expect(text).not.toContain('message_stop');

    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { cutAfterChunks: 3 } }]);
    const stream = client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 300, messages: [{ role: 'user', content: 'A long answer please.' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/stream/);
  });

  it('count_tokens estimates the input tokens (equal to the simulator prompt count for text), marked as an estimate', async () => {
    const request = { model: 'gpt-4o-mini', system: 'Be brief.', messages: [{ role: 'user' as const, content: 'How many tokens is this sentence?' }] };
    const { data, response } = await client.messages.countTokens(request).withResponse();
    expect(response.headers.get('x-tollgate-token-count')).toBe('estimate');
    const message = await client.messages.create({ ...request, max_tokens: 20 });
    expect(data.input_tokens).toBe(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0));
    const withTools = await client.messages.countTokens({ ...request, tools: [weatherTool] });
    expect(withTools.input_tokens).toBeGreaterThan(data.input_tokens);
  });
});

import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, Tool } from '@anthropic-ai/sdk/resources/messages';
import { encode } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderSimulator, type ProviderSimulator } from './index.js';

let simulator: ProviderSimulator;
let origin: string;
let client: Anthropic;

beforeAll(async () => {
  simulator = createProviderSimulator({ acceptAnyModel: 'sim-*' });
  ({ origin } = await simulator.listen());
  client = new Anthropic({ baseURL: origin, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => simulator.close());

const hello = [{ role: 'user' as const, content: 'Hello' }];

const weatherTool: Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location', 'unit'],
  },
};
const timeTool: Tool = { name: 'get_time', input_schema: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] } };

describe('POST /v1/messages', () => {
  it('answers in the Message shape with consistent usage and a request-id', async () => {
    const { data: message, response } = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 1024, messages: hello }).withResponse();
    expect(response.headers.get('x-simulator')).toBe('tollgate-provider-simulator');
    expect(response.headers.get('request-id')).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-opus-4-1-20250805', stop_reason: 'end_turn', stop_sequence: null });
    expect(message.content).toHaveLength(1);
    const [block] = message.content;
    if (block?.type !== 'text') throw new Error('expected a text block');
    expect(block.text).toMatch(/^[A-Z][a-z].*\.$/);
    expect(message.usage).toEqual({
      input_tokens: 8,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: encode(block.text).length,
      service_tier: 'standard',
    });
    const counted = await client.messages.countTokens({ model: 'claude-opus-4-1', messages: hello });
    expect(counted).toEqual({ input_tokens: 8 });
  });

  it('is deterministic per prompt and caps output at max_tokens', async () => {
    const first = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 500, messages: hello });
    const again = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 500, messages: hello });
    const other = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 500, messages: [{ role: 'user', content: 'Hi' }] });
    expect(again.content).toEqual(first.content);
    expect(other.content).not.toEqual(first.content);
    expect(again.id).not.toBe(first.id);
    const capped = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 5, messages: hello });
    expect(capped.stop_reason).toBe('max_tokens');
    expect(capped.usage.output_tokens).toBe(5);
  });

  it('stops at a stop sequence and reports it', async () => {
    const message = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 500, messages: hello, stop_sequences: ['.'] });
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('.');
    const [block] = message.content;
    expect(block?.type === 'text' && block.text.includes('.')).toBe(false);
    expect(message.usage.output_tokens).toBe(block?.type === 'text' ? encode(block.text).length : -1);
  });

  it('answers structured outputs with JSON that matches the schema', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 3 } }, required: ['city', 'days'] };
    const message = await client.messages.create({
      model: 'claude-opus-4-1',
      max_tokens: 500,
      messages: hello,
      output_config: { format: { type: 'json_schema', schema } },
    } as MessageCreateParamsNonStreaming);
    const [block] = message.content;
    const parsed = JSON.parse(block?.type === 'text' ? block.text : 'null') as { city: unknown; days: number };
    expect(typeof parsed.city).toBe('string');
    expect([1, 2, 3]).toContain(parsed.days);
  });
});

describe('streaming', () => {
  it('streams the documented event sequence and accumulates to the same usage', async () => {
    const stream = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 1024, messages: hello, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_start') expect(event.message.usage).toMatchObject({ input_tokens: 8, output_tokens: 1 });
      if (event.type === 'message_delta') {
        expect(event.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
        expect(event.usage).toEqual({ input_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: encode(text).length });
      }
    }
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(3);
  });

  it('sends SSE with event lines and a ping, readable by messages.stream()', async () => {
    const response = await fetch(`${origin}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'x', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 50, messages: hello, stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body.startsWith('event: message_start\ndata: {"type":"message_start"')).toBe(true);
    expect(body).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(body.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);

    const final = await client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 50, messages: hello }).finalMessage();
    const direct = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: hello });
    expect(final.content).toEqual(direct.content);
    expect(final.usage.output_tokens).toBe(direct.usage.output_tokens);
    expect(final.model).toBe('claude-haiku-4-5-20251001');
  });
});

describe('tool use', () => {
  it('calls the first tool with schema-valid input, and the forced one when named', async () => {
    const message = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 1024, messages: hello, tools: [weatherTool, timeTool] });
    expect(message.stop_reason).toBe('tool_use');
    const [block] = message.content;
    if (block?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(block.id).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
    expect(block.name).toBe('get_weather');
    const input = block.input as { location: unknown; unit: unknown };
    expect(typeof input.location).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(input.unit);
    expect(message.usage.output_tokens).toBe(encode('get_weather').length + encode(JSON.stringify(block.input)).length);

    const forced = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 1024, messages: hello, tools: [weatherTool, timeTool], tool_choice: { type: 'tool', name: 'get_time' } });
    expect(forced.content[0]).toMatchObject({ type: 'tool_use', name: 'get_time' });
  });

  it('answers text for tool_choice none and after a tool_result', async () => {
    const none = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 100, messages: hello, tools: [weatherTool], tool_choice: { type: 'none' } });
    expect(none.stop_reason).not.toBe('tool_use');
    expect(none.content[0]?.type).toBe('text');
    const answered = await client.messages.create({
      model: 'claude-opus-4-1',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        ...hello,
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01abc', name: 'get_weather', input: { location: 'Paris', unit: 'celsius' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01abc', content: '18 degrees' }] },
      ],
    });
    expect(answered.content[0]?.type).toBe('text');
  });

  it('streams the tool input as input_json_delta pieces that parse to the same input', async () => {
    const final = await client.messages.stream({ model: 'claude-opus-4-1', max_tokens: 1024, messages: hello, tools: [weatherTool] }).finalMessage();
    const direct = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 1024, messages: hello, tools: [weatherTool] });
    const [streamed] = final.content;
    const [created] = direct.content;
    if (streamed?.type !== 'tool_use' || created?.type !== 'tool_use') throw new Error('expected tool_use blocks');
    expect(streamed.input).toEqual(created.input);
    expect(final.stop_reason).toBe('tool_use');
  });
});

describe('extended thinking', () => {
  const thinking = { type: 'enabled' as const, budget_tokens: 1024 };

  it('returns a signed thinking block first, counted in output_tokens', async () => {
    const message = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 2048, messages: hello, thinking });
    const [thought, answer] = message.content;
    if (thought?.type !== 'thinking' || answer?.type !== 'text') throw new Error('expected thinking then text');
    expect(thought.signature.length).toBeGreaterThan(100);
    expect(encode(thought.thinking).length).toBeGreaterThanOrEqual(40);
    expect(message.usage.output_tokens).toBe(encode(thought.thinking).length + encode(answer.text).length);
  });

  it('streams thinking_delta then signature_delta', async () => {
    const final = await client.messages.stream({ model: 'claude-opus-4-1', max_tokens: 2048, messages: hello, thinking }).finalMessage();
    const direct = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 2048, messages: hello, thinking });
    expect(final.content).toEqual(direct.content);
  });

  it('rejects a budget that is not below max_tokens, thinking on a model without it, and thinking with a forced tool', async () => {
    const tooSmall = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 1024, messages: hello, thinking }).catch((caught: unknown) => caught);
    expect(tooSmall).toBeInstanceOf(Anthropic.BadRequestError);
    expect((tooSmall as APIError).message).toContain('`max_tokens` must be greater than `thinking.budget_tokens`');
    const unsupported = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 2048, messages: hello, thinking }).catch((caught: unknown) => caught);
    expect(unsupported).toMatchObject({ status: 400, type: 'invalid_request_error' });
    const forced = await client.messages
      .create({ model: 'claude-opus-4-1', max_tokens: 2048, messages: hello, thinking, tools: [weatherTool], tool_choice: { type: 'any' } })
      .catch((caught: unknown) => caught);
    expect((forced as APIError).message).toContain('Thinking may not be enabled when tool_choice forces tool use.');
  });
});

describe('request errors', () => {
  it('requires max_tokens like the real API', async () => {
    const error = await client.messages.create({ model: 'claude-opus-4-1', messages: hello } as unknown as MessageCreateParamsNonStreaming).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });

  it('answers 404 not_found_error for unknown models, honouring the acceptAnyModel glob per API', async () => {
    const unknown = await client.messages.create({ model: 'claude-unknown', max_tokens: 10, messages: hello }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown).toMatchObject({ type: 'not_found_error', apiMessage: 'model: claude-unknown' });
    const openAiModel = await client.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: hello }).catch((caught: unknown) => caught);
    expect(openAiModel).toBeInstanceOf(Anthropic.NotFoundError);
    const accepted = await client.messages.create({ model: 'sim-claude', max_tokens: 10, messages: hello });
    expect(accepted.model).toBe('sim-claude');
  });

  it('requires an API key (401) and the anthropic-version header (400)', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${origin}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: hello }) });
    const noKey = await post({ 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' }, request_id: expect.stringMatching(/^req_/) });
    const noVersion = await post({ 'x-api-key': 'x' });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    expect((await post({ authorization: 'Bearer x', 'anthropic-version': '2023-06-01' })).status).toBe(200);
  });

  it('rejects a system role inside messages and an unparsable body', async () => {
    const system = await client.messages
      .create({ model: 'claude-opus-4-1', max_tokens: 10, messages: [{ role: 'system', content: 'Be brief.' }] } as unknown as MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(system).toBeInstanceOf(Anthropic.BadRequestError);
    const broken = await fetch(`${origin}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'x', 'anthropic-version': '2023-06-01' }, body: '{"model":' });
    expect(broken.status).toBe(400);
  });
});

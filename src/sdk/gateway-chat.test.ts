import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

// Prices from @pydantic/genai-prices' bundled data, written out by hand (USD per million tokens):
// gpt-4o-mini: input 0.15, cached input 0.075, output 0.60 → 150 / 75 / 600 nano-dollars per token.
const gpt4oMiniNanos = (uncached: number, cached: number, output: number) => uncached * 150 + cached * 75 + output * 600;

describe('gateway with the official openai client (non-streaming)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({
      extraModels: '  negotiated: { provider: openai, model: gpt-4o-2024-08-06, price: { input: 2.0, output: 8.0 } }',
    });
  });
  afterAll(async () => harness.close());

  it('answers, prices the call from the pricing data and writes one ledger row with the tags', async () => {
    const { data, response } = await harness.client.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the ledger.' }], user: 'body-user', max_tokens: 40 },
        { headers: { 'x-tollgate-team': 'platform', 'x-tollgate-feature': 'greeting' } },
      )
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const usage = data.usage!;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    const expected = gpt4oMiniNanos(usage.prompt_tokens - cached, cached, usage.completion_tokens);
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected / 1e9).toFixed(9));
    const requestId = response.headers.get('x-tollgate-request-id');
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number(response.headers.get('x-tollgate-overhead-ms'))).toBeGreaterThanOrEqual(0);

    const rows = (await harness.ledgerRows()).filter((row) => row.requestId === requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      attempt: 1,
      logicalModel: 'gpt-4o-mini',
      providerId: 'openai',
      upstreamModel: 'gpt-4o-mini',
      inputTokens: usage.prompt_tokens - cached,
      cacheReadTokens: cached,
      outputTokens: usage.completion_tokens,
      reasoningTokens: 0,
      costNanos: expected,
      priceUnknown: false,
      priceSource: 'genai-prices',
      status: 'ok',
      user: 'body-user',
      team: 'platform',
      feature: 'greeting',
      endpoint: '/v1/chat/completions',
      stream: false,
    });
    expect(JSON.parse(rows[0]!.providerUsage!)).toEqual(JSON.parse(JSON.stringify(usage)));
  });

  it('maps the logical name to the upstream model and bills the upstream model', async () => {
    const { data, response } = await harness.client.chat.completions
      .create({ model: 'cheap', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.model).toBe('gpt-4.1-nano');
    // gpt-4.1-nano: input 0.10, output 0.40 $/MTok → 100 / 400 nanos per token.
    const expected = data.usage!.prompt_tokens * 100 + data.usage!.completion_tokens * 400;
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected / 1e9).toFixed(9));
    expect(response.headers.get('x-tollgate-provider')).toBe('openai/gpt-4.1-nano');
  });

  it('splits o-series reasoning tokens out of output and bills them at the output rate', async () => {
    const { data, response } = await harness.client.chat.completions
      .create({ model: 'o3-mini', messages: [{ role: 'user', content: 'Think about primes.' }] })
      .withResponse();
    const usage = data.usage!;
    const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(0);
    // o3-mini: input 1.10, output 4.40 $/MTok → 1100 / 4400 nanos per token; reasoning is output.
    const expected = usage.prompt_tokens * 1100 + usage.completion_tokens * 4400;
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected / 1e9).toFixed(9));
    const row = (await harness.ledgerRows()).find((entry) => entry.requestId === response.headers.get('x-tollgate-request-id'));
    expect(row?.reasoningTokens).toBe(reasoning);
    expect(row?.outputTokens).toBe(usage.completion_tokens - reasoning);
  });

  it('returns tool calls unchanged and bills them', async () => {
    const completion = await harness.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        },
      ],
      tool_choice: 'required',
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_weather');
    expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}')).toHaveProperty('city');
  });

  it('supports JSON mode and JSON schema', async () => {
    const jsonMode = await harness.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Reply in JSON.' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(jsonMode.choices[0]!.message.content!)).toBe('object');
    const schema = await harness.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Classify.' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'label', schema: { type: 'object', properties: { label: { type: 'string', enum: ['a', 'b'] } }, required: ['label'] } },
      },
    });
    expect(['a', 'b']).toContain(JSON.parse(schema.choices[0]!.message.content!).label);
  });

  it('flags an unknown price: cost null, warning header, ledger flag, never an invented number', async () => {
    const { response } = await harness.client.chat.completions
      .create({ model: 'mystery', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('unknown');
    expect(response.headers.get('x-tollgate-warning')).toMatch(/price unknown/);
    const row = (await harness.ledgerRows()).find((entry) => entry.requestId === response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ costNanos: null, priceUnknown: true, status: 'ok' });
    expect(row?.inputTokens).toBeGreaterThan(0);
  });

  it('applies a per-model price override from the config (negotiated rate)', async () => {
    const { data, response } = await harness.client.chat.completions
      .create({ model: 'negotiated', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    // input 2.00, output 8.00 $/MTok → 2000 / 8000 nanos per token.
    const expected = data.usage!.prompt_tokens * 2000 + data.usage!.completion_tokens * 8000;
    expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected / 1e9).toFixed(9));
    const row = (await harness.ledgerRows()).find((entry) => entry.requestId === response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ costNanos: expected, priceSource: 'config' });
  });

  it('lists logical models and answers health checks', async () => {
    const models = await harness.client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'cheap', 'mystery', 'claude', 'gemini-flash', 'negotiated']);
    expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${harness.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

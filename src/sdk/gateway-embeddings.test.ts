import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

describe('POST /v1/embeddings with the official openai client', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({
      extraModels: ['  embed-small: { provider: openai, model: text-embedding-3-small }', '  embed-gemini: { provider: gemini, model: gemini-embedding-001 }'].join('\n'),
    });
  });
  afterAll(async () => harness.close());

  it('returns vectors, prices the call in nano-dollars and writes one ledger row', async () => {
    const { data, response } = await harness.client.embeddings
      .create({ model: 'embed-small', input: ['the quick brown fox', 'jumps over'] }, { headers: { 'x-tollgate-feature': 'search-index' } })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data[0]!.embedding.length).toBeGreaterThan(0);
    const promptTokens = data.usage.prompt_tokens;
    expect(promptTokens).toBeGreaterThan(0);
    // text-embedding-3-small: $0.02 / MTok → 20 nanos per token (a micro-dollar ledger would round this to 0).
    expect(response.headers.get('x-tollgate-cost-usd')).toBe(((promptTokens * 20) / 1e9).toFixed(9));
    const rows = (await harness.ledgerRows()).filter((row) => row.requestId === response.headers.get('x-tollgate-request-id'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      endpoint: '/v1/embeddings',
      feature: 'search-index',
      logicalModel: 'embed-small',
      upstreamModel: 'text-embedding-3-small',
      inputTokens: promptTokens,
      outputTokens: 0,
      costNanos: promptTokens * 20,
      status: 'ok',
    });
  });

  it('serves Gemini embeddings through the same OpenAI endpoint, priced from the pricing data', async () => {
    const { data, response } = await harness.client.embeddings.create({ model: 'embed-gemini', input: 'hello world', dimensions: 256 }).withResponse();
    expect(data.data[0]!.embedding).toHaveLength(256);
    const row = (await harness.ledgerRows()).find((entry) => entry.requestId === response.headers.get('x-tollgate-request-id'));
    // gemini-embedding-001: $0.15 / MTok → 150 nanos per token.
    expect(row).toMatchObject({ providerId: 'gemini', inputTokens: data.usage.prompt_tokens, costNanos: data.usage.prompt_tokens * 150 });
  });

  it('rejects bad input with a 400 naming the field, and unknown models with a 404', async () => {
    const bad = await fetch(`${harness.url}/v1/embeddings`, { method: 'POST', body: JSON.stringify({ model: 'embed-small', input: 42 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'TG_ERR_INVALID_REQUEST', param: 'input' });
    const unknown = await harness.client.embeddings.create({ model: 'nope', input: 'x' }).then(
      () => undefined,
      (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
    );
    expect(unknown?.status).toBe(404);
    expect(unknown?.code).toBe('TG_ERR_UNKNOWN_MODEL');
  });
});

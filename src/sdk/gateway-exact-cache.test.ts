import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

const masterKey = 'master-key-for-cache-tests-0123';

describe('exact response cache, scoped per virtual key', () => {
  let harness: GatewayHarness;
  let tenantA: OpenAI;
  let tenantB: OpenAI;
  let keyA: string;

  async function createKey(team: string): Promise<{ key: string; id: string }> {
    const response = await fetch(`${harness.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allowed_models: null, team }),
    });
    return (await response.json()) as { key: string; id: string };
  }

  beforeAll(async () => {
    harness = await startGatewayHarness({ extraYaml: [`auth: { master_key: ${masterKey} }`, 'cache: { exact: { ttl_ms: 600000, scope: key } }'].join('\n') });
    keyA = (await createKey('alpha')).key;
    tenantA = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: keyA, maxRetries: 0 });
    tenantB = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: (await createKey('beta')).key, maxRetries: 0 });
  });
  afterAll(async () => harness.close());

  const ask = async (client: OpenAI, content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 1000, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers })
      .withResponse();
    return { text: data.choices[0]?.message.content ?? '', cache: response.headers.get('x-tollgate-cache'), requestId: response.headers.get('x-tollgate-request-id') };
  };

  it('never serves one tenant the other tenant\'s answer: 0 hits across scopes in 1,000 identical pairs', async () => {
    const crossHits: string[] = [];
    const ownHits: string[] = [];
    for (let start = 0; start < 1_000; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, offset) => {
          const prompt = `pair ${start + offset}: tell me something`;
          const first = await ask(tenantA, prompt);
          const other = await ask(tenantB, prompt);
          if (first.cache !== 'miss' || other.cache !== 'miss') crossHits.push(prompt);
          if ((start + offset) % 10 === 0) {
            const again = await ask(tenantA, prompt);
            if (again.cache !== 'hit' || again.text !== first.text) ownHits.push(prompt);
          }
        }),
      );
    }
    expect(crossHits).toEqual([]);
    expect(ownHits).toEqual([]);
  }, 120_000);

  it('misses when an output-affecting parameter changes, and honours no-cache, no-store, max-age and namespaces', async () => {
    const prompt = 'parameters and directives';
    expect((await ask(tenantA, prompt)).cache).toBe('miss');
    expect((await ask(tenantA, prompt)).cache).toBe('hit');
    expect((await ask(tenantA, prompt, { temperature: 0.3 })).cache).toBe('miss');
    expect((await ask(tenantA, prompt, { seed: 11 })).cache).toBe('miss');
    expect((await ask(tenantA, prompt, { max_tokens: 999 })).cache).toBe('miss');
    expect((await ask(tenantA, prompt, { user: 'someone-else' })).cache).toBe('hit');
    expect((await ask(tenantA, prompt, {}, { 'cache-control': 'no-cache' })).cache).toBe('miss');
    expect((await ask(tenantA, prompt, {}, { 'x-tollgate-cache-namespace': 'other' })).cache).toBe('miss');
    expect((await ask(tenantA, prompt, {}, { 'x-tollgate-cache-namespace': 'other' })).cache).toBe('hit');
    expect((await ask(tenantA, 'never stored', {}, { 'cache-control': 'no-store' })).cache).toBe('miss');
    expect((await ask(tenantA, 'never stored')).cache).toBe('miss');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await ask(tenantA, prompt, {}, { 'cache-control': 'max-age=1' })).cache).toBe('miss');
    const badMaxAge = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}`, 'cache-control': 'max-age=soon', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(badMaxAge.status).toBe(400);
    expect(((await badMaxAge.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'TG_ERR_INVALID_REQUEST', param: 'cache-control' });
  });

  it('replays a cached answer as a faithful stream, and never caches a truncated or abandoned one', async () => {
    const streamText = async (content: string, maxTokens: number) => {
      const { data: stream, response } = await tenantA.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: maxTokens, stream: true, stream_options: { include_usage: true } })
        .withResponse();
      let text = '';
      let finish: string | null = null;
      let usage: unknown;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      return { text, finish, usage, cache: response.headers.get('x-tollgate-cache') };
    };
    const first = await streamText('stream me a story', 1000);
    const again = await streamText('stream me a story', 1000);
    expect(first.cache).toBe('miss');
    expect(again).toMatchObject({ cache: 'hit', text: first.text, finish: first.finish });
    expect(again.usage).toMatchObject({
      prompt_tokens: (first.usage as { prompt_tokens: number }).prompt_tokens,
      completion_tokens: (first.usage as { completion_tokens: number }).completion_tokens,
    });
    // A non-streamed request for the same prompt is answered from the same entry.
    expect(await ask(tenantA, 'stream me a story')).toMatchObject({ cache: 'hit', text: first.text });

    const truncated = await streamText('a long answer that will be cut by max_tokens', 3);
    expect(truncated.finish).toBe('length');
    expect((await streamText('a long answer that will be cut by max_tokens', 3)).cache).toBe('miss');
  });

  it('bypasses requests without a virtual key under the key scope', async () => {
    const anonymous = await ask(harness.client, 'no key here');
    expect(anonymous.cache).toBe('bypass');
    expect((await ask(harness.client, 'no key here')).cache).toBe('bypass');
  });

  it('records hits in the ledger at no cost, with the cost they avoided; the report\'s saving is their sum', async () => {
    const workload = Array.from({ length: 40 }, (_, index) => `workload prompt ${index % 25}`);
    let hits = 0;
    for (const prompt of workload) if ((await ask(tenantB, prompt)).cache === 'hit') hits += 1;
    expect(hits).toBe(15);
    const rows = await harness.ledgerRows();
    const hitRows = rows.filter((row) => row.cacheStatus === 'hit');
    expect(hitRows.every((row) => row.costNanos === 0 && row.providerId === 'tollgate' && row.upstreamModel === 'exact-cache' && row.route === 'cache')).toBe(true);
    const workloadHits = hitRows.filter((row) => row.virtualKeyId !== null && row.team === 'beta');
    expect(workloadHits).toHaveLength(15);
    const originals = new Map(rows.filter((row) => row.cacheStatus === 'miss' && row.team === 'beta').map((row) => [row.requestId, row.costNanos ?? 0]));
    expect(workloadHits.every((row) => row.costAvoidedNanos > 0)).toBe(true);
    expect(originals.size).toBeGreaterThan(0);
    const report = await harness.running.gateway.ledgerStore.report({});
    expect(report.totals.costAvoidedNanos).toBe(rows.reduce((sum, row) => sum + row.costAvoidedNanos, 0));
  });
});

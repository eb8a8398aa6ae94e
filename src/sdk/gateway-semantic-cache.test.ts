import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

const masterKey = 'master-key-for-semantic-tests-01';

describe('semantic cache: similar single-turn prompts, same tenant and parameters, no polarity conflict', () => {
  let harness: GatewayHarness;
  let client: OpenAI;
  let otherTenant: OpenAI;

  beforeAll(async () => {
    harness = await startGatewayHarness({
      extraYaml: [`auth: { master_key: ${masterKey} }`, 'cache: { exact: { scope: team }, semantic: { models: [gpt-4o-mini] } }'].join('\n'),
    });
    const key = async (team: string) =>
      ((await (
        await fetch(`${harness.url}/admin/keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ allowed_models: null, team }),
        })
      ).json()) as { key: string }).key;
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: await key('support'), maxRetries: 0 });
    otherTenant = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: await key('sales'), maxRetries: 0 });
  });
  afterAll(async () => harness.close());

  const ask = async (content: string, options: { model?: string; system?: string; on?: OpenAI } = {}) => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [...(options.system === undefined ? [] : [{ role: 'system' as const, content: options.system }]), { role: 'user', content }];
    const { data, response } = await (options.on ?? client).chat.completions.create({ model: options.model ?? 'gpt-4o-mini', messages, max_tokens: 1000 }).withResponse();
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { text: data.choices[0]?.message.content, cache: response.headers.get('x-tollgate-cache'), similarity: response.headers.get('x-tollgate-cache-similarity') };
  };

  it('answers a reworded question from the cache and reports the similarity', async () => {
    const first = await ask('How do I reset my password?');
    expect(first.cache).toBe('miss');
    const reworded = await ask('how do i reset my password');
    expect(reworded).toMatchObject({ cache: 'semantic-hit', text: first.text });
    expect(Number(reworded.similarity)).toBeGreaterThanOrEqual(0.99);
    const rows = await harness.ledgerRows();
    const hit = rows.find((row) => row.cacheStatus === 'semantic-hit');
    expect(hit).toMatchObject({ costNanos: 0, providerId: 'tollgate' });
    expect(hit?.cacheSimilarity).toBeGreaterThanOrEqual(0.99);
    expect(hit?.costAvoidedNanos).toBeGreaterThan(0);
  });

  it('never answers the opposite question, another tenant, another system prompt, or another model', async () => {
    await ask('How do I turn on dark mode in the settings?');
    expect((await ask('How do I turn off dark mode in the settings?')).cache).toBe('miss');
    expect((await ask('how do i turn on dark mode in the settings', { on: otherTenant })).cache).toBe('miss');
    expect((await ask('how do i turn on dark mode in the settings', { system: 'You are terse.' })).cache).toBe('miss');
    expect((await ask('how do i turn on dark mode in the settings', { model: 'gpt-4o' })).cache).toBe('miss');
    expect((await ask('How many items fit in 5 boxes?')).cache).toBe('miss');
    expect((await ask('How many items fit in 6 boxes?')).cache).toBe('miss');
  });

  it('leaves multi-turn conversations to the exact cache', async () => {
    const conversation = async (last: string) => {
      const { response } = await client.chat.completions
        .create({
          model: 'gpt-4o-mini',
          max_tokens: 1000,
          messages: [
            { role: 'user', content: 'Hello there' },
            { role: 'assistant', content: 'Hi! How can I help?' },
            { role: 'user', content: last },
          ],
        })
        .withResponse();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return response.headers.get('x-tollgate-cache');
    };
    expect(await conversation('What is the capital of France?')).toBe('miss');
    expect(await conversation('what is the capital of france')).toBe('miss');
    expect(await conversation('What is the capital of France?')).toBe('hit');
  });
});

describe('semantic cache with an embeddings model served by Tollgate', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({
      extraModels: '  embedder: { provider: openai, model: text-embedding-3-small }',
      extraYaml: [
        'cache:',
        '  exact: { scope: global }',
        '  semantic: { models: [gpt-4o-mini], embedder: { model: embedder, dimensions: 1536 } }',
      ].join('\n'),
    });
  });
  afterAll(async () => harness.close());

  it('embeds each new prompt through the embeddings model, metered in the ledger as the semantic cache of the asking team', async () => {
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'client-key', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': 'support', 'x-tollgate-user': 'ada' } });
    const ask = async (content: string) => {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 1000, messages: [{ role: 'user', content }] }).withResponse();
      return response.headers.get('x-tollgate-cache');
    };
    expect(await ask('What are your opening hours?')).toBe('miss');
    expect(await ask('What are your opening hours?')).toBe('hit');
    expect(await ask('Where is the nearest office?')).toBe('miss');
    const rows = (await harness.ledgerRows()).filter((row) => row.feature === 'semantic-cache');
    // One embedding per prompt that reached the semantic lookup (the exact hit never did).
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.upstreamModel === 'text-embedding-3-small' && row.endpoint === 'semantic-cache' && (row.costNanos ?? 0) > 0)).toBe(true);
    // The embedding is spent on the asking team's behalf, so it is in that team's spend.
    expect(rows.map((row) => [row.team, row.user])).toEqual([
      ['support', 'ada'],
      ['support', 'ada'],
    ]);
  });
});

describe('semantic cache with verification by a cheap model', () => {
  let harness: GatewayHarness;
  let upstream: import('node:http').Server;
  const verifications: string[] = [];

  beforeAll(async () => {
    const { createServer } = await import('node:http');
    // A minimal OpenAI-compatible upstream: the verifier says "yes" only for password questions.
    upstream = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(raw) as { model: string; messages: Array<{ role: string; content: string }> };
        const last = body.messages[body.messages.length - 1]?.content ?? '';
        const verifying = body.messages[0]?.content.startsWith('You compare two questions') === true;
        if (verifying) verifications.push(last);
        const content = verifying ? (/password/i.test(last) ? 'yes' : 'no') : `Answer to: ${last}`;
        const payload = JSON.stringify({
          id: `chatcmpl-${verifications.length}-${Date.now()}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
        });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        response.end(payload);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as { port: number };
    harness = await startGatewayHarness({
      upstreamUrl: `http://127.0.0.1:${port}/v1`,
      extraYaml: 'cache:\n  exact: { scope: global }\n  semantic: { models: [gpt-4o], verify_with: gpt-4o-mini }',
    });
  });
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const ask = async (content: string) => {
    const { data, response } = await harness.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] }).withResponse();
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { text: data.choices[0]?.message.content, cache: response.headers.get('x-tollgate-cache'), warning: response.headers.get('x-tollgate-warning') };
  };

  it('serves a candidate the verifier confirms, and not one it rejects; the check is metered', async () => {
    const first = await ask('How do I reset my password?');
    expect(await ask('how do i reset my password')).toMatchObject({ cache: 'semantic-hit', text: first.text, warning: expect.stringMatching(/confirmed by gpt-4o-mini/) });
    await ask('Where is the invoice page?');
    expect(await ask('where is the invoice page')).toMatchObject({ cache: 'miss', text: 'Answer to: where is the invoice page', warning: expect.stringMatching(/rejected by gpt-4o-mini/) });
    expect(verifications).toHaveLength(2);
    expect(verifications[0]).toContain('Question A:\nhow do i reset my password');
    const rows = await harness.ledgerRows();
    expect(rows.filter((row) => row.upstreamModel === 'gpt-4o-mini')).toHaveLength(2);
  });
});

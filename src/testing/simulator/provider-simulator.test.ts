import { encode, encodeChat } from 'gpt-tokenizer';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderSimulator, type ProviderSimulator } from './index.js';

const fixedNow = Date.UTC(2025, 0, 2, 3, 4, 5);
let simulator: ProviderSimulator;
let baseURL: string;
let client: OpenAI;

beforeAll(async () => {
  simulator = createProviderSimulator({ now: () => fixedNow, acceptAnyModel: 'sim-*' });
  ({ url: baseURL } = await simulator.listen());
  client = new OpenAI({ baseURL, apiKey: 'sk-sim', maxRetries: 0 });
});
afterAll(() => simulator.close());

const hello = [{ role: 'user' as const, content: 'Hello' }];

describe('non-streaming chat completions', () => {
  it('answers in the chat.completion shape with consistent, real token counts', async () => {
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, ...hello] })
      .withResponse();
    expect(response.headers.get('x-simulator')).toBe('tollgate-provider-simulator');
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.created).toBe(Math.floor(fixedNow / 1000));
    expect(completion.model).toBe('gpt-4o');
    expect(completion.system_fingerprint).toBe('fp_tollgate_simulator');
    expect(completion.service_tier).toBe('default');
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.logprobs).toBeNull();
    expect(choice?.message.role).toBe('assistant');
    const content = choice?.message.content ?? '';
    expect(content).toMatch(/^[A-Z][a-z].*\.$/);
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBe(encodeChat([{ role: 'system', content: 'Be brief.' }, ...hello], 'gpt-4o').length);
    expect(usage?.completion_tokens).toBe(encode(content).length);
    expect(usage?.completion_tokens).toBeGreaterThanOrEqual(20);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(200);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    expect(usage?.prompt_tokens_details).toEqual({ cached_tokens: 0, audio_tokens: 0 });
    expect(usage?.completion_tokens_details).toEqual({ reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 });
  });

  it('returns n choices and caps output at max_tokens with finish_reason "length"', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello, n: 2, max_tokens: 7 });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
    for (const choice of completion.choices) {
      expect(choice.finish_reason).toBe('length');
      expect(encode(choice.message.content ?? '').length).toBe(7);
    }
    expect(completion.usage?.completion_tokens).toBe(14);
  });

  it('is deterministic for a seed, and varies with it', async () => {
    const request = { model: 'gpt-4.1', messages: hello, seed: 42 };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    const other = await client.chat.completions.create({ ...request, seed: 43 });
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(other.choices[0]?.message.content).not.toBe(first.choices[0]?.message.content);
    expect(second.id).not.toBe(first.id);
  });

  it('counts reasoning tokens inside completion_tokens for reasoning models', async () => {
    const completion = await client.chat.completions.create({ model: 'o4-mini', messages: hello });
    const reasoning = completion.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(0);
    expect(reasoning % 64).toBe(0);
    expect(completion.usage?.completion_tokens).toBe(reasoning + encode(completion.choices[0]?.message.content ?? '').length);
  });

  it('reports cached_tokens in 128-token steps when a long prompt prefix repeats', async () => {
    const longPrompt = [{ role: 'user' as const, content: 'The steady river crosses the valley. '.repeat(200) }];
    const first = await client.chat.completions.create({ model: 'gpt-4o', messages: longPrompt });
    const second = await client.chat.completions.create({ model: 'gpt-4o', messages: longPrompt });
    const promptTokens = first.usage?.prompt_tokens ?? 0;
    expect(promptTokens).toBeGreaterThan(1024);
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(1024 + Math.floor((promptTokens - 1024) / 128) * 128);
  });

  it('includes shaped logprobs when asked', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: hello, logprobs: true, top_logprobs: 2, max_tokens: 5 });
    const entries = completion.choices[0]?.logprobs?.content ?? [];
    expect(entries).toHaveLength(5);
    expect(entries.map((entry) => entry.token).join('')).toBe(completion.choices[0]?.message.content);
    for (const entry of entries) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.bytes).toEqual(Array.from(Buffer.from(entry.token)));
      expect(entry.top_logprobs).toHaveLength(2);
    }
  });
});

describe('streaming chat completions', () => {
  it('streams OpenAI-shaped chunks and a final usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: hello, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const first = chunks[0];
    expect(first?.object).toBe('chat.completion.chunk');
    expect(first?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk?.choices).toEqual([]);
    const bodyChunks = chunks.slice(0, -1);
    expect(bodyChunks.length).toBeGreaterThan(3);
    for (const chunk of bodyChunks) {
      expect(chunk.usage).toBeNull();
      expect(chunk.id).toBe(first?.id);
      expect(chunk.created).toBe(Math.floor(fixedNow / 1000));
    }
    expect(bodyChunks[bodyChunks.length - 1]?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const text = bodyChunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const usage = usageChunk?.usage;
    expect(usage?.completion_tokens).toBe(encode(text).length);
    expect(usage?.prompt_tokens).toBe(8);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });

  it('omits usage entirely without include_usage, and ends with [DONE]', async () => {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-sim', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: hello, stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(body).not.toContain('"usage"');
  });

  it('interleaves n = 2 choices with one finish chunk each', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: hello, n: 2, stream: true });
    const finishes: number[] = [];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) if (choice.finish_reason !== null) finishes.push(choice.index);
    }
    expect(finishes.sort()).toEqual([0, 1]);
  });
});

describe('models, embeddings and request errors', () => {
  it('lists the model table', async () => {
    const page = await client.models.list();
    const ids = page.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4.1-nano', 'o3-mini', 'o1', 'text-embedding-3-small']));
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'system' });
  });

  it('answers 404 model_not_found for unknown models, but honours the acceptAnyModel glob', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-unknown', messages: hello }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
    const accepted = await client.chat.completions.create({ model: 'sim-anything', messages: hello });
    expect(accepted.model).toBe('sim-anything');
  });

  it('rejects a missing bearer token with 401 invalid_api_key', async () => {
    const response = await fetch(`${baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: hello }) });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key', param: null } });
  });

  it('rejects bad JSON and a missing messages field with 400 invalid_request_error', async () => {
    const post = (body: string) =>
      fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-sim' }, body });
    const badJson = await post('{"model":');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null } });
    const missing = await post('{"model":"gpt-4o"}');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { param: 'messages', code: 'missing_required_parameter' } });
  });

  it('returns deterministic unit vectors with real token usage from /v1/embeddings', async () => {
    const first = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello world', 'other'] });
    const again = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' });
    expect(first.data).toHaveLength(2);
    const vector = first.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(1536);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    expect(again.data[0]?.embedding[5]).toBeCloseTo(vector[5] ?? Number.NaN, 6);
    expect(first.usage).toEqual({ prompt_tokens: encode('hello world').length + encode('other').length, total_tokens: 3 });
  });

  it('counts requests per model', () => {
    const { requestsByModel, totalRequests } = simulator.stats();
    expect(requestsByModel['gpt-4o']).toBeGreaterThanOrEqual(5);
    expect(requestsByModel['text-embedding-3-small']).toBe(2);
    expect(totalRequests).toBeGreaterThan(15);
  });
});

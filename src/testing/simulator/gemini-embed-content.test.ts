import { encode } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderSimulator, type ProviderSimulator } from './index.js';

interface EmbeddingUsageMetadata {
  promptTokenCount?: number;
  promptTokenDetails: { modality: string; tokenCount?: number }[];
}
interface BatchEmbedContentsResponse {
  embeddings: { values: number[] }[];
  usageMetadata: EmbeddingUsageMetadata;
}
interface EmbedContentResponse {
  embedding: { values: number[] };
  usageMetadata: EmbeddingUsageMetadata;
}
interface GoogleError {
  error: { code: number; status: string; message: string; details?: { '@type': string; retryDelay?: string }[] };
}

const sleeps: number[] = [];
let simulator: ProviderSimulator;
let origin: string;

beforeAll(async () => {
  simulator = createProviderSimulator({ acceptAnyModel: 'sim-*', sleep: async (milliseconds) => void sleeps.push(milliseconds) });
  ({ origin } = await simulator.listen());
});
afterAll(() => simulator.close());

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'test-key', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function embedRequest(text: string, model = 'gemini-embedding-001', extra: object = {}): object {
  return { model: `models/${model}`, content: { parts: [{ text }] }, ...extra };
}

async function batch(model: string, requests: object[], headers: Record<string, string> = {}): Promise<BatchEmbedContentsResponse> {
  const response = await post(`/v1beta/models/${model}:batchEmbedContents`, { requests }, headers);
  expect(response.status).toBe(200);
  return (await response.json()) as BatchEmbedContentsResponse;
}

function norm(values: readonly number[]): number {
  return Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
}

describe('Gemini batchEmbedContents and embedContent', () => {
  it('answers one unit vector per request at the model default size, with usageMetadata counting the texts', async () => {
    const texts = ['What is the meaning of life?', 'How does the brain work?'];

    const answer = await batch('gemini-embedding-001', texts.map((text) => embedRequest(text)));

    expect(answer.embeddings.map((embedding) => embedding.values.length)).toEqual([3072, 3072]);
    for (const embedding of answer.embeddings) expect(norm(embedding.values)).toBeCloseTo(1, 5);
    expect(answer.embeddings[0]?.values).not.toEqual(answer.embeddings[1]?.values);
    const tokens = texts.reduce((sum, text) => sum + encode(text).length, 0);
    expect(answer.usageMetadata).toEqual({ promptTokenCount: tokens, promptTokenDetails: [{ modality: 'TEXT', tokenCount: tokens }] });
  });

  it('is deterministic per text, and text-embedding-004 answers 768 values', async () => {
    const first = await batch('text-embedding-004', [embedRequest('Hello world', 'text-embedding-004')]);
    const second = await batch('text-embedding-004', [embedRequest('Hello world', 'text-embedding-004')]);

    expect(first.embeddings[0]?.values).toHaveLength(768);
    expect(second.embeddings[0]?.values).toEqual(first.embeddings[0]?.values);
  });

  it('honours outputDimensionality by truncating the full vector from the end, without renormalising', async () => {
    const full = await batch('gemini-embedding-001', [embedRequest('Hello world')]);
    const short = await batch('gemini-embedding-001', [embedRequest('Hello world', 'gemini-embedding-001', { outputDimensionality: 256 })]);
    const snake = await batch('gemini-embedding-001', [embedRequest('Hello world', 'gemini-embedding-001', { output_dimensionality: 8 })]);

    expect(short.embeddings[0]?.values).toEqual(full.embeddings[0]?.values.slice(0, 256));
    expect(norm(short.embeddings[0]?.values ?? [])).toBeLessThan(0.9);
    expect(snake.embeddings[0]?.values).toEqual(full.embeddings[0]?.values.slice(0, 8));
  });

  it('gives a different vector for a different taskType', async () => {
    const plain = await batch('gemini-embedding-001', [embedRequest('Hello world', 'gemini-embedding-001', { outputDimensionality: 4 })]);
    const document = await batch('gemini-embedding-001', [embedRequest('Hello world', 'gemini-embedding-001', { outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT' })]);
    const unspecified = await batch('gemini-embedding-001', [embedRequest('Hello world', 'gemini-embedding-001', { outputDimensionality: 4, taskType: 'TASK_TYPE_UNSPECIFIED' })]);

    expect(document.embeddings[0]?.values).not.toEqual(plain.embeddings[0]?.values);
    expect(unspecified.embeddings[0]?.values).toEqual(plain.embeddings[0]?.values);
  });

  it('answers :embedContent (also under /v1/ with ?key=) as {embedding}, equal to the batch answer for the same text', async () => {
    const fromBatch = await batch('gemini-embedding-001', [embedRequest('Hello world')]);
    const response = await fetch(`${origin}/v1/models/gemini-embedding-001:embedContent?key=k`, {
      method: 'POST',
      body: JSON.stringify({ content: { parts: [{ text: 'Hello world' }] } }),
    });

    expect(response.status).toBe(200);
    const single = (await response.json()) as EmbedContentResponse;
    expect(single.embedding.values).toEqual(fromBatch.embeddings[0]?.values);
    expect(single.usageMetadata.promptTokenCount).toBe(encode('Hello world').length);
  });

  it('admits acceptAnyModel names containing "embedding" as Gemini embedding models', async () => {
    const answer = await batch('sim-embedding', [embedRequest('x', 'sim-embedding')]);

    expect(answer.embeddings[0]?.values).toHaveLength(3072);
  });
});

describe('Gemini embedding errors', () => {
  async function errorOf(response: Response): Promise<GoogleError['error'] & { httpStatus: number }> {
    const body = (await response.json()) as GoogleError;
    return { ...body.error, httpStatus: response.status };
  }

  it('refuses a call without an API key with 403 PERMISSION_DENIED', async () => {
    const response = await fetch(`${origin}/v1beta/models/gemini-embedding-001:batchEmbedContents`, { method: 'POST', body: JSON.stringify({ requests: [embedRequest('x')] }) });

    expect(await errorOf(response)).toMatchObject({ httpStatus: 403, code: 403, status: 'PERMISSION_DENIED' });
  });

  it('answers 404 NOT_FOUND for a chat model, an unknown model, and generateContent on an embedding model', async () => {
    const chat = await errorOf(await post('/v1beta/models/gemini-2.5-flash:batchEmbedContents', { requests: [embedRequest('x', 'gemini-2.5-flash')] }));
    const unknown = await errorOf(await post('/v1beta/models/no-such-model:embedContent', embedRequest('x')));
    const generate = await errorOf(await post('/v1beta/models/gemini-embedding-001:generateContent', { contents: [{ parts: [{ text: 'x' }] }] }));

    expect(chat).toMatchObject({ httpStatus: 404, status: 'NOT_FOUND', message: expect.stringContaining('models/gemini-2.5-flash is not found for API version v1beta, or is not supported for batchEmbedContents') });
    expect(unknown).toMatchObject({ httpStatus: 404, status: 'NOT_FOUND', message: expect.stringContaining('not supported for embedContent') });
    expect(generate).toMatchObject({ httpStatus: 404, status: 'NOT_FOUND', message: expect.stringContaining('not supported for generateContent') });
  });

  it.each([
    ['more than 100 requests', { requests: Array.from({ length: 101 }, () => embedRequest('x')) }, '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n'],
    ['no requests', { requests: [] }, 'BatchEmbedContentsRequest.requests: requests is not specified'],
    ['a request without content', { requests: [{ model: 'models/gemini-embedding-001' }] }, 'BatchEmbedContentsRequest.requests[0].content: content is not specified'],
    ['a request for another model', { requests: [embedRequest('x'), embedRequest('y', 'text-embedding-004')] }, 'requests[1].model'],
    ['an unknown taskType', { requests: [embedRequest('x', 'gemini-embedding-001', { taskType: 'SUMMARY' })] }, `Invalid value at 'requests[0].task_type'`],
    ['outputDimensionality above the model size', { requests: [embedRequest('x', 'gemini-embedding-001', { outputDimensionality: 4096 })] }, 'output_dimensionality'],
    ['a body that is not JSON', '{"requests": [', 'Invalid JSON payload received'],
  ])('answers 400 INVALID_ARGUMENT for %s', async (_name, body, message) => {
    const error = await errorOf(await post('/v1beta/models/gemini-embedding-001:batchEmbedContents', body));

    expect(error).toMatchObject({ httpStatus: 400, code: 400, status: 'INVALID_ARGUMENT' });
    expect(error.message).toContain(message);
  });

  it('injects header faults in Google shapes: 429 with RetryInfo, 503, 404 naming the embedding method, a cut body', async () => {
    const requests = { requests: [embedRequest('x')] };
    const path = '/v1beta/models/gemini-embedding-001:batchEmbedContents';

    const rateLimited = await errorOf(await post(path, requests, { 'x-simulator-fault': 'status=429;retry_after=3' }));
    const overloaded = await errorOf(await post(path, requests, { 'x-simulator-fault': 'status=503' }));
    const notFound = await errorOf(await post(path, requests, { 'x-simulator-fault': 'status=404' }));
    const cut = await post(path, requests, { 'x-simulator-fault': 'cut_after_chunks=1' });

    expect(rateLimited).toMatchObject({ httpStatus: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(rateLimited.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' });
    expect(overloaded).toMatchObject({ httpStatus: 503, status: 'UNAVAILABLE' });
    expect(notFound).toMatchObject({ httpStatus: 404, message: expect.stringContaining('not supported for batchEmbedContents') });
    await expect(cut.text()).rejects.toBeInstanceOf(Error);
  });

  it('applies fault rules and delays to embedding models, and counts them in stats', async () => {
    const path = '/v1beta/models/text-embedding-004:embedContent';
    const body = embedRequest('x', 'text-embedding-004');
    const before = simulator.stats().requestsByModel['text-embedding-004'] ?? 0;
    simulator.setFaults([{ model: 'text-embedding-*', times: 1, fault: { status: 500 } }]);

    const failed = await errorOf(await post(path, body));
    const delayed = await post(path, body, { 'x-simulator-fault': 'delay_ms=120' });

    simulator.setFaults([]);
    expect(failed).toMatchObject({ httpStatus: 500, status: 'INTERNAL' });
    expect(delayed.status).toBe(200);
    expect(sleeps).toContain(120);
    expect(simulator.stats().requestsByModel['text-embedding-004']).toBe(before + 2);
  });
});

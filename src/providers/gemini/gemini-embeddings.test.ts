import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import type { EmbeddingCall, EmbeddingRequest, EmbeddingRequestBody } from '../../core/embedding-call.js';
import { TollgateError } from '../../core/errors.js';
import { createRequestContext } from '../../core/request-context.js';
import { closedPort, startReplayServer, type ReplayServer } from '../openai-compatible/__fixtures__/replay-server.js';
import { readGeminiFixture, testApiKey, testClock } from './__fixtures__/gemini-replay.js';
import { geminiProvider } from './gemini-provider.js';

// Gemini `batchEmbedContents` through the provider definition's `createEmbeddings`, against recorded
// payloads (see __fixtures__/SOURCES.md) replayed by a local server.

interface RecordedBatch {
  embeddings: Array<{ values: number[] }>;
  usageMetadata?: { promptTokenCount: number };
}

function embeddingRequest(body: EmbeddingRequestBody, signal?: AbortSignal): EmbeddingRequest {
  const context = createRequestContext({
    requestId: 'req-fixture',
    tags: { virtualKeyId: undefined, org: undefined, team: undefined, user: undefined, feature: undefined, endpoint: '/v1/embeddings' },
    logicalModel: body.model,
    clientFormat: 'openai',
    stream: false,
    receivedAt: 0,
    receivedAtMonotonic: 0,
  });
  return { body, rawBody: undefined, context, signal };
}

function createEmbeddings(baseUrl: string, dispatcher: Agent): EmbeddingCall {
  const create = geminiProvider.createEmbeddings;
  if (create === undefined) throw new Error('geminiProvider has no createEmbeddings');
  return create({ providerId: 'gemini', baseUrl, apiKey: testApiKey, headers: {}, timeoutMs: 5_000, dispatcher, clock: testClock, settings: {} });
}

async function failureOf(embeddings: EmbeddingCall, request: EmbeddingRequest): Promise<TollgateError> {
  const error: unknown = await embeddings.embed(request).then(
    () => new Error('embed() succeeded; a failure was expected'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TollgateError);
  return error as TollgateError;
}

/** How the official `openai` SDK reads a base64 embedding: its bytes as a little-endian Float32Array. */
function decodeBase64Floats(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

const twoTexts: EmbeddingRequestBody = { model: 'gemini-embedding-001', input: ['sunny day at the beach', 'rainy day in the city'] };

describe('Gemini embeddings (batchEmbedContents)', () => {
  let server: ReplayServer;
  let dispatcher: Agent;
  let embeddings: EmbeddingCall;
  let recorded: RecordedBatch;
  let recordedBytes: Buffer;

  beforeAll(async () => {
    server = await startReplayServer();
    dispatcher = new Agent();
    embeddings = createEmbeddings(server.baseUrl, dispatcher);
    recordedBytes = await readGeminiFixture('batch-embed-contents-usage.json');
    recorded = JSON.parse(recordedBytes.toString('utf8')) as RecordedBatch;
  });
  afterAll(async () => {
    await dispatcher.close();
    await server.close();
  });

  function replayRecorded(body: Uint8Array = recordedBytes): void {
    server.replay({ status: 200, headers: { 'content-type': 'application/json' }, body });
  }

  /** The recorded body without `usageMetadata`, as responses documented before EmbeddingUsageMetadata existed. */
  function withoutUsageMetadata(): Buffer {
    const { usageMetadata: _dropped, ...rest } = recorded;
    return Buffer.from(JSON.stringify(rest));
  }

  describe('request', () => {
    it('POSTs one EmbedContentRequest per text to models/<model>:batchEmbedContents, key in x-goog-api-key', async () => {
      replayRecorded();

      await embeddings.embed(embeddingRequest({ ...twoTexts, dimensions: 2, task_type: 'RETRIEVAL_DOCUMENT', user: 'alice' }));

      const sent = server.received.at(-1);
      expect(sent?.method).toBe('POST');
      expect(sent?.url).toBe('/v1/models/gemini-embedding-001:batchEmbedContents');
      expect(sent?.headers['x-goog-api-key']).toBe(testApiKey);
      expect(sent?.headers['content-type']).toBe('application/json');
      expect(sent?.headers.authorization).toBeUndefined();
      expect(JSON.parse(sent?.body.toString('utf8') ?? '')).toStrictEqual({
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'sunny day at the beach' }] }, taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 2 },
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'rainy day in the city' }] }, taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 2 },
        ],
      });
    });

    it('sends a single string as one request, without optional fields, and does not double a models/ prefix', async () => {
      replayRecorded(Buffer.from(JSON.stringify({ embeddings: recorded.embeddings.slice(0, 1) })));

      await embeddings.embed(embeddingRequest({ model: 'models/gemini-embedding-001', input: 'Hello world', encoding_format: 'float' }));

      const sent = server.received.at(-1);
      expect(sent?.url).toBe('/v1/models/gemini-embedding-001:batchEmbedContents');
      expect(JSON.parse(sent?.body.toString('utf8') ?? '')).toStrictEqual({
        requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'Hello world' }] } }],
      });
    });

    it('names fields Gemini has no place for in a warning and does not send them', async () => {
      replayRecorded();
      const request = embeddingRequest({ ...twoTexts, user: 'alice', service_tier: 'flex' });

      await embeddings.embed(request);

      expect(server.received.at(-1)?.body.toString('utf8')).not.toContain('flex');
      expect(request.context.warnings).toStrictEqual(['gemini: service_tier is not supported by Gemini embeddings; not sent']);
    });

    it.each([
      ['token ids', [1, 2, 3]],
      ['arrays of token ids', [[1, 2], [3]]],
    ])('refuses %s with TG_ERR_UNSUPPORTED_PARAMETER (param input, 400) and sends nothing', async (_name, input) => {
      const before = server.received.length;

      const error = await failureOf(embeddings, embeddingRequest({ model: 'gemini-embedding-001', input }));

      expect(error.code).toBe('TG_ERR_UNSUPPORTED_PARAMETER');
      expect(error.param).toBe('input');
      expect(error.status).toBe(400);
      expect(server.received.length).toBe(before);
    });

    it.each([
      ['encoding_format', { encoding_format: 'int8' }],
      ['task_type', { task_type: 7 }],
    ])('refuses an unusable %s with TG_ERR_INVALID_REQUEST naming it', async (param, extra) => {
      const error = await failureOf(embeddings, embeddingRequest({ ...twoTexts, ...extra }));

      expect(error.code).toBe('TG_ERR_INVALID_REQUEST');
      expect(error.param).toBe(param);
    });
  });

  describe('response', () => {
    it('translates the recorded batch to an OpenAI embeddings list, with usage from usageMetadata', async () => {
      replayRecorded();
      const request = embeddingRequest(twoTexts);

      const result = await embeddings.embed(request);

      expect(result.body).toStrictEqual({
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.5138951, 0.857853] },
          { object: 'embedding', index: 1, embedding: [-0.5045317, -0.8633931] },
        ],
        model: 'gemini-embedding-001',
        usage: { prompt_tokens: 12, total_tokens: 12 },
      });
      expect(result.usage).toStrictEqual({
        inputTokens: 12,
        cacheReadTokens: undefined,
        cacheWrite5mTokens: undefined,
        cacheWrite1hTokens: undefined,
        outputTokens: 0,
        reasoningTokens: undefined,
      });
      expect(result.providerUsage).toStrictEqual(recorded.usageMetadata);
      expect(result.upstreamModel).toBe('gemini-embedding-001');
      expect(result.rawBody).toBeUndefined();
      expect(request.context.warnings).toStrictEqual([]);
    });

    it('without usageMetadata: every bucket unknown, no usage in the body, and a warning that the cost is unknown', async () => {
      replayRecorded(withoutUsageMetadata());
      const request = embeddingRequest(twoTexts);

      const result = await embeddings.embed(request);

      expect(Object.values(result.usage)).toStrictEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
      expect(result.providerUsage).toBeUndefined();
      expect('usage' in result.body).toBe(false);
      expect(result.body.data.map((item) => item.embedding)).toStrictEqual(recorded.embeddings.map((embedding) => embedding.values));
      expect(request.context.warnings).toStrictEqual(['gemini: Gemini did not report token usage for these embeddings; their cost is unknown']);
    });

    it('encoding_format base64: little-endian float32 bytes, as the openai SDK decodes them; not sent upstream', async () => {
      replayRecorded();

      const result = await embeddings.embed(embeddingRequest({ ...twoTexts, encoding_format: 'base64' }));

      expect(server.received.at(-1)?.body.toString('utf8')).not.toContain('encoding_format');
      const encoded = result.body.data.map((item) => item.embedding);
      expect(encoded.every((embedding) => typeof embedding === 'string')).toBe(true);
      expect(encoded.map((embedding) => decodeBase64Floats(embedding as string))).toStrictEqual(
        recorded.embeddings.map((embedding) => embedding.values.map((value) => Math.fround(value))),
      );
      // 0.5138951 as float32, little-endian: the low byte first.
      expect(Buffer.from(encoded[0] as string, 'base64').subarray(0, 4)).toStrictEqual(Buffer.from(new Float32Array([0.5138951]).buffer));
    });

    it.each([
      ['fewer embeddings than inputs', JSON.stringify({ embeddings: [{ values: [0.1] }] })],
      ['an embedding without values', JSON.stringify({ embeddings: [{ values: [0.1] }, {}] })],
      ['a body that is not JSON', 'embeddings: none'],
    ])('%s -> TG_ERR_UPSTREAM_PROTOCOL, retryable', async (_name, body) => {
      replayRecorded(Buffer.from(body));

      const error = await failureOf(embeddings, embeddingRequest(twoTexts));

      expect(error.code).toBe('TG_ERR_UPSTREAM_PROTOCOL');
      expect(error.isRetryable).toBe(true);
    });
  });

  describe('errors', () => {
    it.each([
      { fixture: 'error-400-batch-too-large.json', httpStatus: 400, code: 'TG_ERR_UPSTREAM_BAD_REQUEST', status: 400, isRetryable: false, retryAfterMs: undefined },
      { fixture: 'error-429-retry-info.json', httpStatus: 429, code: 'TG_ERR_UPSTREAM_RATE_LIMITED', status: 429, isRetryable: true, retryAfterMs: 34_400 },
      { fixture: 'error-404-model-not-found.json', httpStatus: 404, code: 'TG_ERR_UPSTREAM_NOT_FOUND', status: 404, isRetryable: false, retryAfterMs: undefined },
      { fixture: 'error-503-overloaded.json', httpStatus: 503, code: 'TG_ERR_UPSTREAM_OVERLOADED', status: 503, isRetryable: true, retryAfterMs: undefined },
    ])('HTTP $httpStatus $fixture -> $code', async (errorCase) => {
      const bytes = await readGeminiFixture(errorCase.fixture);
      server.replay({ status: errorCase.httpStatus, headers: { 'content-type': 'application/json' }, body: bytes });
      const body = JSON.parse(bytes.toString('utf8')) as { error: { message: string } };

      const error = await failureOf(embeddings, embeddingRequest(twoTexts));

      expect(error.code).toBe(errorCase.code);
      expect(error.status).toBe(errorCase.status);
      expect(error.isRetryable).toBe(errorCase.isRetryable);
      expect(error.retryAfterMs).toBe(errorCase.retryAfterMs);
      expect(error.upstream).toStrictEqual({ status: errorCase.httpStatus, body });
      expect(error.message).toContain(body.error.message.trim());
    });

    it('HTTP 400 API_KEY_INVALID -> TG_ERR_UPSTREAM_AUTH with the key-echoing body dropped', async () => {
      server.replay({ status: 400, headers: { 'content-type': 'application/json' }, body: await readGeminiFixture('error-400-api-key-invalid.json') });

      const error = await failureOf(embeddings, embeddingRequest(twoTexts));

      expect(error.code).toBe('TG_ERR_UPSTREAM_AUTH');
      expect(error.upstream).toStrictEqual({ status: 400, body: undefined });
      expect(`${error.message} ${JSON.stringify(error.toOpenAIBody())}`).not.toContain('key1234');
    });

    it('a refused connection -> TG_ERR_UPSTREAM_CONNECT, retryable', async () => {
      const refusedDispatcher = new Agent();
      try {
        const refused = createEmbeddings(`http://127.0.0.1:${await closedPort()}/v1beta`, refusedDispatcher);
        const error = await failureOf(refused, embeddingRequest(twoTexts));
        expect(error.code).toBe('TG_ERR_UPSTREAM_CONNECT');
        expect(error.isRetryable).toBe(true);
      } finally {
        await refusedDispatcher.close();
      }
    });

    it('a signal aborted while waiting for the answer -> TG_ERR_CLIENT_ABORTED, not retryable', async () => {
      const controller = new AbortController();
      server.replay({ status: 200, body: new Uint8Array(), ending: 'silent', onRequest: () => controller.abort() });

      const error = await failureOf(embeddings, embeddingRequest(twoTexts, controller.signal));

      expect(error.code).toBe('TG_ERR_CLIENT_ABORTED');
      expect(error.isRetryable).toBe(false);
    });

    it('a signal aborted before the call -> TG_ERR_CLIENT_ABORTED, and nothing is sent', async () => {
      const before = server.received.length;

      const error = await failureOf(embeddings, embeddingRequest(twoTexts, AbortSignal.abort()));

      expect(error.code).toBe('TG_ERR_CLIENT_ABORTED');
      expect(server.received.length).toBe(before);
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { TollgateError, type ErrorCode } from '../../core/errors.js';
import type { ModelCall, ModelRequest } from '../../core/model-call.js';
import { makeModelRequest } from '../../testing/model-request-fixture.js';
import { closedPort } from '../openai-compatible/__fixtures__/replay-server.js';
import { createTestGeminiAdapter, readGeminiFixture, testApiKey, useGeminiReplay } from './__fixtures__/gemini-replay.js';

// Recorded Gemini error bodies (see __fixtures__/SOURCES.md) mapped to Tollgate's error family.

const question: ChatRequestBody = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hello!' }] };

type Call = 'generate' | 'stream';
const calls: Call[] = ['generate', 'stream'];

/** Runs the call to its end and returns what it failed with; a success fails the test. */
async function failureOf(adapter: ModelCall, call: Call, request: ModelRequest): Promise<TollgateError> {
  try {
    if (call === 'generate') {
      await adapter.generate(request);
    } else {
      for await (const part of await adapter.stream(request)) if (part.type === 'error') return part.error;
    }
  } catch (error) {
    expect(error).toBeInstanceOf(TollgateError);
    return error as TollgateError;
  }
  throw new Error(`${call} succeeded; a failure was expected`);
}

interface ErrorCase {
  readonly fixture: string;
  readonly httpStatus: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly code: ErrorCode;
  /** The status Tollgate answers with. */
  readonly status: number;
  readonly isRetryable: boolean;
  readonly retryAfterMs?: number;
}

const errorCases: ErrorCase[] = [
  { fixture: 'error-400-input-token-count.json', httpStatus: 400, code: 'TG_ERR_UPSTREAM_CONTEXT_LENGTH', status: 400, isRetryable: false },
  { fixture: 'error-400-penalty-not-enabled.json', httpStatus: 400, code: 'TG_ERR_UPSTREAM_BAD_REQUEST', status: 400, isRetryable: false },
  { fixture: 'error-404-model-not-found.json', httpStatus: 404, code: 'TG_ERR_UPSTREAM_NOT_FOUND', status: 404, isRetryable: false },
  { fixture: 'error-429-retry-info.json', httpStatus: 429, code: 'TG_ERR_UPSTREAM_RATE_LIMITED', status: 429, isRetryable: true, retryAfterMs: 34_400 },
  { fixture: 'error-429-retry-info.json', httpStatus: 429, headers: { 'retry-after': '7' }, code: 'TG_ERR_UPSTREAM_RATE_LIMITED', status: 429, isRetryable: true, retryAfterMs: 7_000 },
  { fixture: 'error-429-quota-exceeded.json', httpStatus: 429, code: 'TG_ERR_UPSTREAM_RATE_LIMITED', status: 429, isRetryable: true },
  { fixture: 'error-500-internal.json', httpStatus: 500, code: 'TG_ERR_UPSTREAM_SERVER', status: 502, isRetryable: true },
  { fixture: 'error-503-overloaded.json', httpStatus: 503, code: 'TG_ERR_UPSTREAM_OVERLOADED', status: 503, isRetryable: true },
];

describe('Gemini adapter: recorded error bodies', () => {
  const replay = useGeminiReplay();

  describe.each(calls)('%s()', (call) => {
    it.each(errorCases)('HTTP $httpStatus $fixture -> $code, retryable $isRetryable', async (errorCase) => {
      const bytes = await readGeminiFixture(errorCase.fixture);
      replay.server.replay({ status: errorCase.httpStatus, headers: { 'content-type': 'application/json', ...errorCase.headers }, body: bytes });
      const recorded = JSON.parse(bytes.toString('utf8')) as { error: { message: string } };

      const error = await failureOf(replay.adapter, call, makeModelRequest(question));

      expect(error.code).toBe(errorCase.code);
      expect(error.status).toBe(errorCase.status);
      expect(error.isRetryable).toBe(errorCase.isRetryable);
      expect(error.retryAfterMs).toBe(errorCase.retryAfterMs);
      expect(error.upstream).toStrictEqual({ status: errorCase.httpStatus, body: recorded });
      expect(error.message).toContain(recorded.error.message);
    });

    it.each([
      ['error-400-api-key-invalid.json', 400, 'key1234'],
      ['error-403-unregistered-caller.json', 403, 'unregistered callers'],
    ])('HTTP %s -> TG_ERR_UPSTREAM_AUTH, not retryable, body and keys dropped', async (fixture, httpStatus, secretish) => {
      const bytes = await readGeminiFixture(fixture);
      expect(bytes.toString('utf8')).toContain(secretish);
      replay.server.replay({ status: httpStatus, headers: { 'content-type': 'application/json' }, body: bytes });

      const error = await failureOf(replay.adapter, call, makeModelRequest(question));

      expect(error.code).toBe('TG_ERR_UPSTREAM_AUTH');
      expect(error.status).toBe(502);
      expect(error.isRetryable).toBe(false);
      expect(error.upstream).toStrictEqual({ status: httpStatus, body: undefined });
      const everything = `${error.message} ${JSON.stringify(error.toOpenAIBody())}`;
      expect(everything).not.toContain(secretish);
      expect(everything).not.toContain(testApiKey);
    });

    it('a refused connection -> TG_ERR_UPSTREAM_CONNECT, retryable', async () => {
      const refused = createTestGeminiAdapter(`http://127.0.0.1:${await closedPort()}/v1beta`);
      try {
        const error = await failureOf(refused.adapter, call, makeModelRequest(question));
        expect(error.code).toBe('TG_ERR_UPSTREAM_CONNECT');
        expect(error.isRetryable).toBe(true);
      } finally {
        await refused.close();
      }
    });

    it('a signal aborted while waiting for the answer -> TG_ERR_CLIENT_ABORTED, not retryable', async () => {
      const controller = new AbortController();
      replay.server.replay({ status: 200, body: new Uint8Array(), ending: 'silent', onRequest: () => controller.abort() });

      const error = await failureOf(replay.adapter, call, makeModelRequest(question, { signal: controller.signal }));

      expect(error.code).toBe('TG_ERR_CLIENT_ABORTED');
      expect(error.isRetryable).toBe(false);
    });

    it('a signal aborted before the call -> TG_ERR_CLIENT_ABORTED, and nothing is sent', async () => {
      const before = replay.server.received.length;

      const error = await failureOf(replay.adapter, call, makeModelRequest(question, { signal: AbortSignal.abort() }));

      expect(error.code).toBe('TG_ERR_CLIENT_ABORTED');
      expect(replay.server.received.length).toBe(before);
    });
  });

  it('stream(): a signal aborted mid-stream ends the parts with TG_ERR_CLIENT_ABORTED, once', async () => {
    const bytes = await readGeminiFixture('stream-text.sse');
    replay.server.replay({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: bytes.subarray(0, bytes.indexOf('\n\n') + 2), ending: 'hold' });
    const controller = new AbortController();

    const parts = [];
    for await (const part of await replay.adapter.stream(makeModelRequest(question, { signal: controller.signal }))) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }
    replay.server.cutOpenResponses();

    expect(parts.map((part) => part.type)).toStrictEqual(['stream-start', 'text-delta', 'error']);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_CLIENT_ABORTED', isRetryable: false } });
  });

  it('generate(): a 200 whose body is not JSON -> TG_ERR_UPSTREAM_PROTOCOL, retryable', async () => {
    const sse = await readGeminiFixture('stream-text.sse');
    replay.server.replay({ status: 200, headers: { 'content-type': 'application/json' }, body: sse });

    const error = await failureOf(replay.adapter, 'generate', makeModelRequest(question));

    expect(error.code).toBe('TG_ERR_UPSTREAM_PROTOCOL');
    expect(error.isRetryable).toBe(true);
  });
});

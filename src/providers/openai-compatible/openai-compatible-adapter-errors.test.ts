import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { TollgateError, type ErrorCode } from '../../core/errors.js';
import type { ModelCall, ModelRequest } from '../../core/model-call.js';
import {
  closedPort,
  createFixtureAdapter,
  useReplayAdapter,
  modelRequest,
  readFixture,
} from './__fixtures__/replay-server.js';

// Recorded OpenAI error bodies (see __fixtures__/SOURCES.md) mapped to Tollgate's error family.
// The retry-after headers are test inputs: no source recorded a 429's headers.

const question: ChatRequestBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello!' }] };

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
  readonly param?: string;
}

const errorCases: ErrorCase[] = [
  { fixture: 'error-400-context-length-exceeded.json', httpStatus: 400, code: 'TG_ERR_UPSTREAM_CONTEXT_LENGTH', status: 400, isRetryable: false, param: 'messages' },
  { fixture: 'error-400-unsupported-parameter.json', httpStatus: 400, code: 'TG_ERR_UPSTREAM_BAD_REQUEST', status: 400, isRetryable: false, param: 'max_tokens' },
  { fixture: 'error-429-rate-limit-exceeded.json', httpStatus: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' }, code: 'TG_ERR_UPSTREAM_RATE_LIMITED', status: 429, isRetryable: true, retryAfterMs: 1500 },
  { fixture: 'error-429-rate-limit-exceeded.json', httpStatus: 429, headers: { 'retry-after': '20' }, code: 'TG_ERR_UPSTREAM_RATE_LIMITED', status: 429, isRetryable: true, retryAfterMs: 20_000 },
  { fixture: 'error-429-insufficient-quota.json', httpStatus: 429, code: 'TG_ERR_UPSTREAM_RATE_LIMITED', status: 429, isRetryable: false },
  { fixture: 'error-500-server-error.json', httpStatus: 500, code: 'TG_ERR_UPSTREAM_SERVER', status: 502, isRetryable: true },
  { fixture: 'error-503-overloaded.json', httpStatus: 503, code: 'TG_ERR_UPSTREAM_OVERLOADED', status: 503, isRetryable: true },
];

describe('OpenAI-compatible adapter: recorded error bodies', () => {
  const replay = useReplayAdapter();

  describe.each(calls)('%s()', (call) => {
    it.each(errorCases)('HTTP $httpStatus $fixture -> $code, retryable $isRetryable', async (errorCase) => {
      const bytes = await readFixture(errorCase.fixture);
      replay.server.replay({ status: errorCase.httpStatus, headers: { 'content-type': 'application/json', ...errorCase.headers }, body: bytes });
      const recorded = JSON.parse(bytes.toString('utf8')) as { error: { message: string } };

      const error = await failureOf(replay.fixtureAdapter.adapter, call, modelRequest(question));

      expect(error.code).toBe(errorCase.code);
      expect(error.status).toBe(errorCase.status);
      expect(error.isRetryable).toBe(errorCase.isRetryable);
      expect(error.retryAfterMs).toBe(errorCase.retryAfterMs);
      expect(error.param).toBe(errorCase.param);
      expect(error.upstream).toStrictEqual({ status: errorCase.httpStatus, body: recorded });
      expect(error.message).toContain(recorded.error.message);
    });

    it('HTTP 401 error-401-invalid-api-key.json -> TG_ERR_UPSTREAM_AUTH, not retryable, key fragment dropped', async () => {
      const bytes = await readFixture('error-401-invalid-api-key.json');
      expect(bytes.toString('utf8')).toContain('sk-svcac');
      replay.server.replay({ status: 401, headers: { 'content-type': 'application/json' }, body: bytes });

      const error = await failureOf(replay.fixtureAdapter.adapter, call, modelRequest(question));

      expect(error.code).toBe('TG_ERR_UPSTREAM_AUTH');
      expect(error.status).toBe(502);
      expect(error.isRetryable).toBe(false);
      expect(error.message).not.toContain('sk-svcac');
      expect(error.message).not.toContain('r-IL');
      expect(error.upstream).toStrictEqual({ status: 401, body: undefined });
      expect(JSON.stringify(error.toOpenAIBody())).not.toContain('sk-svcac');
    });

    it('a refused connection -> TG_ERR_UPSTREAM_CONNECT, retryable', async () => {
      const refused = createFixtureAdapter(`http://127.0.0.1:${await closedPort()}/v1`);
      try {
        const error = await failureOf(refused.adapter, call, modelRequest(question));
        expect(error.code).toBe('TG_ERR_UPSTREAM_CONNECT');
        expect(error.isRetryable).toBe(true);
      } finally {
        await refused.close();
      }
    });

    it('a signal aborted while waiting for the answer -> TG_ERR_CLIENT_ABORTED, not retryable', async () => {
      const controller = new AbortController();
      replay.server.replay({ status: 200, body: new Uint8Array(), ending: 'silent', onRequest: () => controller.abort() });

      const error = await failureOf(replay.fixtureAdapter.adapter, call, modelRequest(question, { signal: controller.signal }));

      expect(error.code).toBe('TG_ERR_CLIENT_ABORTED');
      expect(error.isRetryable).toBe(false);
    });

    it('a signal aborted before the call -> TG_ERR_CLIENT_ABORTED, and nothing is sent', async () => {
      const before = replay.server.received.length;

      const error = await failureOf(replay.fixtureAdapter.adapter, call, modelRequest(question, { signal: AbortSignal.abort() }));

      expect(error.code).toBe('TG_ERR_CLIENT_ABORTED');
      expect(error.isRetryable).toBe(false);
      expect(replay.server.received.length).toBe(before);
    });
  });

  it('stream(): a signal aborted mid-stream ends the parts with TG_ERR_CLIENT_ABORTED', async () => {
    const bytes = await readFixture('chat-completion-stream-text.sse');
    replay.server.replay({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: bytes.subarray(0, bytes.indexOf('\n\n') + 2), ending: 'hold' });
    const controller = new AbortController();

    const parts = [];
    for await (const part of await replay.fixtureAdapter.adapter.stream(modelRequest(question, { signal: controller.signal }))) {
      parts.push(part);
      if (part.type === 'stream-start') controller.abort();
    }
    replay.server.cutOpenResponses();

    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_CLIENT_ABORTED', isRetryable: false } });
    expect(parts.filter((part) => part.type === 'error')).toHaveLength(1);
  });

  it('generate(): a 200 whose body is not JSON (OpenAI reference example, trailing comma) -> TG_ERR_UPSTREAM_PROTOCOL', async () => {
    const bytes = await readFixture('chat-completion-openapi-example.txt');
    expect(() => JSON.parse(bytes.toString('utf8'))).toThrow(SyntaxError);
    replay.server.replay({ status: 200, headers: { 'content-type': 'application/json' }, body: bytes });

    const error = await failureOf(replay.fixtureAdapter.adapter, 'generate', modelRequest(question));

    expect(error.code).toBe('TG_ERR_UPSTREAM_PROTOCOL');
    expect(error.status).toBe(502);
  });
});

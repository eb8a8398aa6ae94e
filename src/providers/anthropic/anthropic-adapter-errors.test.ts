import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { TollgateError, type ErrorCode } from '../../core/errors.js';
import type { ModelCall, ModelRequest } from '../../core/model-call.js';
import {
  closedPort,
  createFixtureAdapter,
  fixtureApiKey,
  modelRequest,
  readFixture,
  useAnthropicReplay,
} from './__fixtures__/anthropic-replay.js';

// Anthropic error bodies as users recorded them (see __fixtures__/SOURCES.md) mapped to Tollgate's
// error family. Response headers are test inputs unless a case says otherwise.

const question: ChatRequestBody = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] };

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
  readonly name: string;
  readonly httpStatus: number;
  /** A fixture file, or a body given here (test input) when no recorded one exists. */
  readonly fixture?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly code: ErrorCode;
  /** The status Tollgate answers with. */
  readonly status: number;
  readonly isRetryable: boolean;
  readonly retryAfterMs?: number;
}

const errorCases: ErrorCase[] = [
  { name: 'prompt too long', httpStatus: 400, fixture: 'error-400-prompt-too-long.json', code: 'TG_ERR_UPSTREAM_CONTEXT_LENGTH', status: 400, isRetryable: false },
  { name: 'input + max_tokens over the window', httpStatus: 400, fixture: 'error-400-context-limit.json', code: 'TG_ERR_UPSTREAM_CONTEXT_LENGTH', status: 400, isRetryable: false },
  { name: 'credit balance too low', httpStatus: 400, fixture: 'error-400-credit-balance.json', code: 'TG_ERR_UPSTREAM_BAD_REQUEST', status: 400, isRetryable: false },
  {
    name: 'rate limited, retry-after in seconds',
    httpStatus: 429,
    fixture: 'error-429-rate-limit.json',
    headers: { 'retry-after': '20' },
    code: 'TG_ERR_UPSTREAM_RATE_LIMITED',
    status: 429,
    isRetryable: true,
    retryAfterMs: 20_000,
  },
  {
    // Anthropic's docs: a 429 whose error.details.error_code is enforced_spend_limit_reached resets next month.
    name: 'spend limit reached (body is test input)',
    httpStatus: 429,
    body: '{"type":"error","error":{"type":"rate_limit_error","message":"spend limit","details":{"error_code":"enforced_spend_limit_reached"}}}',
    code: 'TG_ERR_UPSTREAM_RATE_LIMITED',
    status: 429,
    isRetryable: false,
  },
  {
    // Headers as recorded with this body in anthropics/anthropic-sdk-typescript#616.
    name: 'overloaded (529)',
    httpStatus: 529,
    fixture: 'error-529-overloaded.json',
    headers: { 'x-should-retry': 'true', 'request-id': 'req_01RCc7MbLyQNtGKzBTv8VCep' },
    code: 'TG_ERR_UPSTREAM_OVERLOADED',
    status: 503,
    isRetryable: true,
  },
  { name: 'overloaded, but x-should-retry: false', httpStatus: 529, fixture: 'error-529-overloaded.json', headers: { 'x-should-retry': 'false' }, code: 'TG_ERR_UPSTREAM_OVERLOADED', status: 503, isRetryable: false },
  {
    name: 'request too large (body is test input)',
    httpStatus: 413,
    body: '{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}',
    code: 'TG_ERR_UPSTREAM_BAD_REQUEST',
    status: 413,
    isRetryable: false,
  },
];

describe('Anthropic adapter: upstream errors', () => {
  const replay = useAnthropicReplay();

  describe.each(calls)('%s()', (call) => {
    it.each(errorCases)('HTTP $httpStatus $name -> $code, retryable $isRetryable', async (errorCase) => {
      const bytes = errorCase.fixture === undefined ? Buffer.from(errorCase.body ?? '') : await readFixture(errorCase.fixture);
      replay.server.replay({ status: errorCase.httpStatus, headers: { 'content-type': 'application/json', ...errorCase.headers }, body: bytes });
      const recorded = JSON.parse(bytes.toString('utf8')) as { error: { message: string } };

      const error = await failureOf(replay.fixtureAdapter.adapter, call, modelRequest(question));

      expect(error.code).toBe(errorCase.code);
      expect(error.status).toBe(errorCase.status);
      expect(error.isRetryable).toBe(errorCase.isRetryable);
      expect(error.retryAfterMs).toBe(errorCase.retryAfterMs);
      expect(error.upstream).toStrictEqual({ status: errorCase.httpStatus, body: recorded });
      expect(error.message).toContain(recorded.error.message);
    });

    it('HTTP 401 invalid x-api-key -> TG_ERR_UPSTREAM_AUTH, not retryable, body and key nowhere in the error', async () => {
      replay.server.replay({ status: 401, headers: { 'content-type': 'application/json' }, body: await readFixture('error-401-invalid-x-api-key.json') });

      const error = await failureOf(replay.fixtureAdapter.adapter, call, modelRequest(question));

      expect(error.code).toBe('TG_ERR_UPSTREAM_AUTH');
      expect(error.status).toBe(502);
      expect(error.isRetryable).toBe(false);
      expect(error.upstream).toStrictEqual({ status: 401, body: undefined });
      const everything = JSON.stringify({ message: error.message, body: error.toOpenAIBody(), upstream: error.upstream });
      expect(everything).not.toContain('x-api-key');
      expect(everything).not.toContain(fixtureApiKey);
    });

    it('a refused connection -> TG_ERR_UPSTREAM_CONNECT, retryable', async () => {
      const refused = createFixtureAdapter(`http://127.0.0.1:${await closedPort()}`);
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
      expect(replay.server.received.length).toBe(before);
    });
  });

  it('stream(): a signal aborted mid-stream ends the parts with TG_ERR_CLIENT_ABORTED', async () => {
    const bytes = await readFixture('stream-text.sse');
    replay.server.replay({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: bytes.subarray(0, bytes.indexOf('\n\n') + 2), ending: 'hold' });
    const controller = new AbortController();

    const parts = [];
    for await (const part of await replay.fixtureAdapter.adapter.stream(modelRequest(question, { signal: controller.signal }))) {
      parts.push(part);
      if (part.type === 'stream-start') controller.abort();
    }
    replay.server.cutOpenResponses();

    expect(parts.map((part) => part.type)).toStrictEqual(['stream-start', 'error']);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'TG_ERR_CLIENT_ABORTED', isRetryable: false } });
  });
});

describe('Anthropic adapter: the caller\'s AbortSignal cancels the upstream call', () => {
  it.each(calls)('%s(): the upstream sees its connection closed once the caller aborts', async (call) => {
    const firstEvent = (await readFixture('stream-text.sse')).toString('utf8').split('\n\n')[0] + '\n\n';
    let closed: () => void = () => undefined;
    const upstreamClosed = new Promise<void>((resolve) => (closed = resolve));
    // Answers headers and one event (stream) or nothing (generate), then waits for the caller.
    const server = createServer((_request, response) => {
      response.on('close', () => closed());
      if (call === 'stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(firstEvent);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fixture = createFixtureAdapter(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const controller = new AbortController();
    try {
      const failure = failureOf(fixture.adapter, call, modelRequest(question, { signal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      // Well inside the adapter's 5 s timeouts, which would close it too.
      const stillOpen = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 1_000));

      expect(await Promise.race([upstreamClosed.then(() => 'closed'), stillOpen])).toBe('closed');
      expect((await failure).code).toBe('TG_ERR_CLIENT_ABORTED');
    } finally {
      await fixture.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

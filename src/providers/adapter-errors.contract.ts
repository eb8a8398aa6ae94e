import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TollgateError } from '../core/errors.js';
import type { ModelCall, ModelRequest } from '../core/model-call.js';
import type { StreamPart } from '../core/stream-part.js';
import {
  collectParts,
  contractRequest,
  expectFailedStream,
  expectStreamFraming,
  failureFields,
  partsOfType,
  rejectionOf,
  within,
  type FailureFields,
} from './adapter-contract-checks.contract.js';
import type { AdapterContractContext } from './adapter.contract.js';

/** One row of the failure table: how the upstream fails, and what every adapter must make of it. */
interface UpstreamFailureCase {
  readonly upstreamStatus: number;
  /** `fault`: the simulator answers the status; `unknown-model`: a model it does not serve (its own 404). */
  readonly trigger: 'fault' | 'unknown-model';
  readonly expected: FailureFields;
  /** For a 429: `Retry-After` (or Gemini's `RetryInfo`) of 2 s, as milliseconds. */
  readonly retryAfterMs?: number;
  /** Runs only for adapters that list the status in `providerOnlyStatuses`. */
  readonly providerOnly?: boolean;
}

/**
 * The failure table, defined once for every adapter: retryable exactly for 429, 5xx and 529;
 * `status` is what the edge answers (an upstream auth failure is the gateway's 502, not the
 * client's 401).
 */
const upstreamFailureTable: readonly UpstreamFailureCase[] = [
  { upstreamStatus: 400, trigger: 'fault', expected: { code: 'TG_ERR_UPSTREAM_BAD_REQUEST', isRetryable: false, status: 400 } },
  { upstreamStatus: 401, trigger: 'fault', expected: { code: 'TG_ERR_UPSTREAM_AUTH', isRetryable: false, status: 502 } },
  { upstreamStatus: 404, trigger: 'unknown-model', expected: { code: 'TG_ERR_UPSTREAM_NOT_FOUND', isRetryable: false, status: 404 } },
  { upstreamStatus: 429, trigger: 'fault', expected: { code: 'TG_ERR_UPSTREAM_RATE_LIMITED', isRetryable: true, status: 429 }, retryAfterMs: 2000 },
  { upstreamStatus: 500, trigger: 'fault', expected: { code: 'TG_ERR_UPSTREAM_SERVER', isRetryable: true, status: 502 } },
  { upstreamStatus: 503, trigger: 'fault', expected: { code: 'TG_ERR_UPSTREAM_OVERLOADED', isRetryable: true, status: 503 } },
  { upstreamStatus: 529, trigger: 'fault', expected: { code: 'TG_ERR_UPSTREAM_OVERLOADED', isRetryable: true, status: 503 }, providerOnly: true },
];

const clientAborted: FailureFields = { code: 'TG_ERR_CLIENT_ABORTED', isRetryable: false, status: 499 };
const connectFailed: FailureFields = { code: 'TG_ERR_UPSTREAM_CONNECT', isRetryable: true, status: 502 };

type CallMethod = 'generate' | 'stream';
const callMethods: readonly CallMethod[] = ['generate', 'stream'];

/** Both methods must reject before the first byte; `stream()` must not resolve and fail later. */
function invoke(call: ModelCall, method: CallMethod, request: ModelRequest): Promise<unknown> {
  return method === 'generate' ? call.generate(request) : call.stream(request);
}

/** A port nothing listens on: bound, then released. */
async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** `baseUrl` with its origin replaced, path kept. */
function atOrigin(baseUrl: string, origin: string): string {
  const url = new URL(baseUrl);
  return origin + url.pathname.replace(/\/+$/, '');
}

/** The failure half of the adapter contract; see `describeAdapterContract`. */
export function describeAdapterFailureContract(context: () => AdapterContractContext): void {
  describe('upstream failures before the first byte', () => {
    for (const row of upstreamFailureTable) {
      for (const method of callMethods) {
        const title = `HTTP ${row.upstreamStatus}${row.trigger === 'unknown-model' ? ' (unknown model)' : ''}: ${method}() rejects with ${row.expected.code}, retryable ${String(row.expected.isRetryable)}`;
        it(title + (row.providerOnly === true ? ' (provider-only status)' : ''), async (test) => {
          const { call, underTest } = context();
          // A named skip: a status only some providers send (529 is Anthropic's "overloaded") is held only to those that list it.
          const sent = row.providerOnly !== true || (underTest.providerOnlyStatuses ?? []).includes(row.upstreamStatus);
          test.skip(!sent, `${underTest.definition.kind} never answers HTTP ${row.upstreamStatus}; only providers listing it in providerOnlyStatuses run this row`);
          const model = row.trigger === 'unknown-model' ? 'tollgate-contract-no-such-model' : underTest.chatModel;
          if (row.trigger === 'fault') {
            underTest.simulator.setFaults([{ model: underTest.chatModel, times: 1, fault: { status: row.upstreamStatus, retryAfterSeconds: 2 } }]);
          }
          const error = await rejectionOf(invoke(call, method, contractRequest(model)));
          expect(failureFields(error)).toEqual(row.expected);
          const failure = error as TollgateError;
          expect(failure.upstream?.status, 'the upstream status is kept').toBe(row.upstreamStatus);
          if (row.retryAfterMs !== undefined) expect(failure.retryAfterMs, 'retry-after, in ms').toBe(row.retryAfterMs);
        });
      }
    }

    for (const method of callMethods) {
      it(`connection refused: ${method}() rejects with TG_ERR_UPSTREAM_CONNECT, retryable`, async () => {
        const { build, underTest } = context();
        const unreachable = build(atOrigin(underTest.baseUrl, await closedPortOrigin()));
        const error = await rejectionOf(invoke(unreachable, method, contractRequest(underTest.chatModel)));
        expect(failureFields(error)).toEqual(connectFailed);
      });

      it(`an already-aborted signal: ${method}() rejects with TG_ERR_CLIENT_ABORTED, not retryable`, async () => {
        const { call, underTest } = context();
        const error = await rejectionOf(invoke(call, method, contractRequest(underTest.chatModel, { signal: AbortSignal.abort() })));
        expect(failureFields(error)).toEqual(clientAborted);
      });
    }
  });

  describe('failures after the stream began', () => {
    it('a connection cut mid-stream ends the stream with exactly one retryable error part, last', async () => {
      const { call, underTest } = context();
      underTest.simulator.setFaults([{ model: underTest.chatModel, times: 1, fault: { cutAfterChunks: 3 } }]);
      const parts = await within(5000, 'the cut stream', collectParts(await call.stream(contractRequest(underTest.chatModel))));
      const error = expectFailedStream(parts);
      expect(failureFields(error)).toEqual({ code: 'TG_ERR_STREAM_INTERRUPTED', isRetryable: true, status: 502 });
    });

    it('an overload is reported exactly once: as the rejection, or as the one error part of a begun stream', async () => {
      const { call, underTest } = context();
      // OpenAI and Gemini answer the status up front; Anthropic sends four events, then `event: error`.
      underTest.simulator.setFaults([{ model: underTest.chatModel, times: 1, fault: { status: 529, cutAfterChunks: 4 } }]);
      const outcome = await call.stream(contractRequest(underTest.chatModel)).then(
        async (stream) => expectFailedStream(await within(5000, 'the failing stream', collectParts(stream))),
        (reason: unknown) => reason,
      );
      expect(failureFields(outcome)).toMatchObject({ code: 'TG_ERR_UPSTREAM_OVERLOADED', isRetryable: true });
    });
  });

  describe('cancellation', () => {
    it('aborting mid-stream ends the stream promptly with one TG_ERR_CLIENT_ABORTED error part', async () => {
      const { call, underTest } = context();
      const controller = new AbortController();
      const stream = await call.stream(contractRequest(underTest.slowChatModel, { signal: controller.signal, maxTokens: 30 }));
      const parts: StreamPart[] = [];
      let abortedAt: number | undefined;
      const consumed = (async () => {
        for await (const part of stream) {
          parts.push(part);
          if (abortedAt === undefined && part.type === 'text-delta') {
            abortedAt = performance.now();
            controller.abort();
          }
        }
      })();
      await within(5000, 'the aborted stream', consumed);
      expect(abortedAt, 'a text delta arrived before the abort').toBeDefined();
      // The slow model still had hundreds of milliseconds of tokens to send.
      expect(performance.now() - (abortedAt ?? 0)).toBeLessThan(250);
      const error = expectFailedStream(parts);
      expect(failureFields(error)).toEqual(clientAborted);
    });

    it("the consumer's break ends the stream promptly and the adapter stays usable", async () => {
      const { call, underTest } = context();
      const stream = await call.stream(contractRequest(underTest.slowChatModel, { maxTokens: 30 }));
      const parts: StreamPart[] = [];
      const startedAt = performance.now();
      await within(2000, 'breaking out of the stream', (async () => {
        for await (const part of stream) {
          parts.push(part);
          if (part.type === 'text-delta') break;
        }
      })());
      expect(performance.now() - startedAt).toBeLessThan(1000);
      expectStreamFraming(parts);
      expect(partsOfType(parts, 'error')).toEqual([]);
      const response = await within(5000, 'the next call', call.generate(contractRequest(underTest.chatModel)));
      expect(response.body.choices[0]?.message.role).toBe('assistant');
    });
  });
}

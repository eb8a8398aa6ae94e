import type { Clock } from '../../core/clock.js';
import type { TollgateError } from '../../core/errors.js';
import type { ModelCall, ModelRequest, ModelStream } from '../../core/model-call.js';
import type { StreamPart } from '../../core/stream-part.js';
import { createAttemptDeadlines, isContentPart } from './attempt-deadlines.js';
import { linkAbortSignal } from './linked-abort.js';
import type { SetTimer } from './set-timer.js';
import type { TimeoutPolicy } from './timeout-policy.js';
import { upstreamTimeoutError, type TimeoutLimit } from './upstream-timeout-error.js';

export interface TimedStreamOptions {
  readonly policy: TimeoutPolicy;
  readonly clock: Clock;
  readonly setTimer: SetTimer;
  readonly awaitFirstContent: boolean;
}

/**
 * Parts held back while waiting for the first content part. Before content an upstream sends a
 * handful (stream start, a role chunk); past this many we stop holding back and resolve, so an
 * odd upstream cannot grow the buffer without bound. Later timeouts are then error parts.
 */
export const maxPartsBeforeContent = 256;

type Step =
  | { readonly kind: 'part'; readonly part: StreamPart }
  | { readonly kind: 'end' }
  | { readonly kind: 'timeout'; readonly error: TollgateError };

/** `next.stream(request)` under the policy's limits; `timeoutStage` documents the contract. */
export async function streamWithTimeouts(next: ModelCall, request: ModelRequest, options: TimedStreamOptions): Promise<ModelStream> {
  const { policy, clock, setTimer } = options;
  const link = linkAbortSignal(request.signal);
  const deadlines = createAttemptDeadlines({ policy, clock, setTimer, startedAt: clock.monotonic(), clientSignal: request.signal });
  let source: AsyncIterator<StreamPart> | undefined;
  let sourceDone = false;
  let closed = false;

  /** Stops the timer and leaves the upstream finished or cancelled. Idempotent. */
  function close(): void {
    if (closed) return;
    closed = true;
    deadlines.stop();
    if (!sourceDone) {
      link.abort(undefined);
      if (source !== undefined) releaseSource(source);
    }
    link.dispose();
  }

  function expire(limit: TimeoutLimit, limitMs: number): TollgateError {
    const error = upstreamTimeoutError(limit, limitMs, 'stream');
    link.abort(error);
    return error;
  }

  async function step(from: AsyncIterator<StreamPart>): Promise<Step> {
    let outcome;
    try {
      outcome = await deadlines.wait(from.next());
    } catch (error) {
      sourceDone = true;
      throw error;
    }
    if (outcome.timedOut) return { kind: 'timeout', error: expire(outcome.limit, outcome.limitMs) };
    if (outcome.value.done === true) {
      sourceDone = true;
      return { kind: 'end' };
    }
    deadlines.notePart(outcome.value.value);
    return { kind: 'part', part: outcome.value.value };
  }

  let upstream: ModelStream;
  const head: StreamPart[] = [];
  let headEnded = false;
  try {
    const accepted = await deadlines.wait(next.stream({ ...request, signal: link.signal }));
    if (accepted.timedOut) throw expire(accepted.limit, accepted.limitMs);
    upstream = accepted.value;
    if (options.awaitFirstContent) {
      const from = (source = upstream[Symbol.asyncIterator]());
      for (;;) {
        const result = await step(from);
        // Nothing reached the client yet: reject, so a failover can still happen.
        if (result.kind === 'timeout') throw result.error;
        if (result.kind === 'end') {
          headEnded = true;
          break;
        }
        if (result.part.type === 'error') throw result.part.error;
        head.push(result.part);
        if (isContentPart(result.part) || head.length >= maxPartsBeforeContent) break;
      }
    }
  } catch (error) {
    close();
    throw error;
  }
  if (headEnded) close();

  async function* timedParts(): AsyncGenerator<StreamPart, void, undefined> {
    try {
      yield* head;
      if (headEnded) return;
      const from = (source ??= upstream[Symbol.asyncIterator]());
      for (;;) {
        const result = await step(from);
        if (result.kind === 'end') return;
        if (result.kind === 'timeout') {
          yield { type: 'error', error: result.error };
          return;
        }
        yield result.part;
        // An error part is always the last one.
        if (result.part.type === 'error') return;
      }
    } finally {
      close();
    }
  }

  let parts: AsyncGenerator<StreamPart, void, undefined> | undefined;
  return {
    wireFormat: upstream.wireFormat,
    [Symbol.asyncIterator](): AsyncIterableIterator<StreamPart> {
      // One pass: the upstream can be read once, so every iterator shares the same generator.
      const generator = (parts ??= timedParts());
      return {
        next: () => generator.next(),
        // A generator returned before its first `next` skips its `finally`: close here as well.
        return: async () => {
          try {
            return await generator.return(undefined);
          } finally {
            close();
          }
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
}

/** Lets the upstream release its connection; a read still pending was already aborted. */
function releaseSource(source: AsyncIterator<StreamPart>): void {
  try {
    void Promise.resolve(source.return?.()).catch(() => {});
  } catch {
    // A source that throws while closing has nothing left to release.
  }
}

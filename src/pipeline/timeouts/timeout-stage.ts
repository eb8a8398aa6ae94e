import { systemClock, type Clock } from '../../core/clock.js';
import type { ModelCall, ModelRequest, ModelResponse } from '../../core/model-call.js';
import type { Stage } from '../stage.js';
import { createAttemptDeadlines } from './attempt-deadlines.js';
import { linkAbortSignal } from './linked-abort.js';
import { unrefSetTimer, type SetTimer } from './set-timer.js';
import { streamWithTimeouts } from './timed-stream.js';
import { resolveTimeoutPolicy, type TimeoutPolicy } from './timeout-policy.js';
import { upstreamTimeoutError } from './upstream-timeout-error.js';

export interface TimeoutStageOptions {
  /** Monotonic time for the deadlines (default: the system clock). */
  readonly clock?: Clock;
  /** Timers (default: real, unref'd `setTimeout`). Must agree with `clock`. */
  readonly setTimer?: SetTimer;
  /**
   * Resolve `stream()` only once the first content part arrived (or the stream ended cleanly),
   * holding back the parts before it and replaying them in order. Default `false`. This is what
   * transparent streaming failover needs; see `timeoutStage`.
   */
  readonly awaitFirstContent?: boolean;
}

/**
 * Time limits on each call through it (connect timeouts live in the HTTP dispatcher). Every
 * timeout aborts the upstream call through a signal linked to `request.signal` and fails with
 * `TG_ERR_UPSTREAM_TIMEOUT` (`isRetryable: true`, message naming the limit). A client abort is
 * never turned into a timeout: the upstream's own `TG_ERR_CLIENT_ABORTED` passes through.
 *
 * `generate`: limited by `totalMs`, or by `ttftMs` when `totalMs` is unset (a non-streamed answer
 * shows its first token only when it is complete); `idleMs` does not apply. A timeout rejects.
 *
 * `stream`:
 * - Before `next.stream()` resolves, `ttftMs` or `totalMs` passing rejects the promise.
 * - After that, `ttftMs` (until the first text, reasoning or tool-call delta), `idleMs` (each wait
 *   for a part once a first part arrived) and `totalMs` end the stream with one `error` part;
 *   nothing follows it. Limits are checked while the stage waits on the upstream, so a slow
 *   consumer is never mistaken for a slow upstream.
 * - Timers are cleared when the stream ends, fails, times out or the consumer stops early
 *   (`return()`); stopping early also cancels the upstream.
 *
 * Streaming failover: the chat-completions route commits to a 200 `text/event-stream` as soon as
 * `stream()` resolves and writes every part it then receives, so once `stream()` has resolved a
 * failure can only be an error event in that stream. A caller that wants a failure before the
 * first token to be retried or failed over without the client noticing must put its
 * retry/fallback stage outside this one and build this stage with `awaitFirstContent: true`.
 * Then `stream()` resolves only after the first content part (or a clean end without content),
 * and everything before it — a `ttftMs`/`totalMs`/`idleMs` timeout, or an upstream `error` part
 * such as a stream interrupted before any token — rejects the promise instead. After the first
 * content part the client may already have seen text, so later failures stay error parts.
 */
export function timeoutStage(policy: TimeoutPolicy, options: TimeoutStageOptions = {}): Stage {
  const limits = resolveTimeoutPolicy(policy);
  const clock = options.clock ?? systemClock;
  const setTimer = options.setTimer ?? unrefSetTimer;
  const awaitFirstContent = options.awaitFirstContent ?? false;
  const generateLimit = limits.totalMs !== undefined ? 'totalMs' : limits.ttftMs !== undefined ? 'ttftMs' : undefined;
  const streamIsLimited = awaitFirstContent || limits.ttftMs !== undefined || limits.idleMs !== undefined || limits.totalMs !== undefined;

  async function generateWithTimeouts(next: ModelCall, request: ModelRequest): Promise<ModelResponse> {
    if (generateLimit === undefined) return next.generate(request);
    const link = linkAbortSignal(request.signal);
    const deadlines = createAttemptDeadlines({
      policy: { [generateLimit]: limits[generateLimit] },
      clock,
      setTimer,
      startedAt: clock.monotonic(),
      clientSignal: request.signal,
    });
    try {
      const outcome = await deadlines.wait(next.generate({ ...request, signal: link.signal }));
      if (!outcome.timedOut) return outcome.value;
      const error = upstreamTimeoutError(outcome.limit, outcome.limitMs, 'generate');
      link.abort(error);
      throw error;
    } finally {
      deadlines.stop();
      link.dispose();
    }
  }

  return function timeoutStage(next: ModelCall): ModelCall {
    return {
      generate: (request) => generateWithTimeouts(next, request),
      stream: (request) => (streamIsLimited ? streamWithTimeouts(next, request, { policy: limits, clock, setTimer, awaitFirstContent }) : next.stream(request)),
    };
  };
}

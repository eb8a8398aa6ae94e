import type { Clock } from '../../core/clock.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { SetTimer } from './set-timer.js';
import type { TimeoutPolicy } from './timeout-policy.js';
import type { TimeoutLimit } from './upstream-timeout-error.js';

export type WaitOutcome<T> =
  | { readonly timedOut: false; readonly value: T }
  | { readonly timedOut: true; readonly limit: TimeoutLimit; readonly limitMs: number };

/**
 * The limits of one attempt, checked only while the attempt waits on the upstream:
 * - `ttftMs` and `totalMs` are deadlines counted from `startedAt` (the start of the call);
 *   `ttftMs` ends with the first content part.
 * - `idleMs` bounds each wait for a part once a first part arrived.
 * A consumer that is slow to pull is not a slow upstream: nothing fires between waits, and a
 * deadline that passed meanwhile fires at the next wait only if the upstream has no part ready
 * (a ready part settles in microtasks, before the zero-delay timer).
 *
 * One timer at a time, re-armed lazily: a part that arrives does not touch the timer.
 */
export interface AttemptDeadlines {
  /** Waits for `pending`, or for the first limit to pass (a late result is then dropped). */
  wait<T>(pending: Promise<T>): Promise<WaitOutcome<T>>;
  /** Tells the deadlines a part arrived: the first part starts `idleMs`, the first content part ends `ttftMs`. */
  notePart(part: StreamPart): void;
  /** Cancels the timer for good (a wait still pending then settles only with its own result); idempotent. */
  stop(): void;
}

export interface AttemptDeadlinesOptions {
  readonly policy: TimeoutPolicy;
  readonly clock: Clock;
  readonly setTimer: SetTimer;
  /** Monotonic ms when the call started. */
  readonly startedAt: number;
  /** Once the client aborted, no limit fires: the upstream reports the abort itself. */
  readonly clientSignal: AbortSignal | undefined;
}

interface Due {
  readonly limit: TimeoutLimit;
  readonly limitMs: number;
  readonly at: number;
}

interface Waiter {
  readonly since: number;
  readonly expire: (due: Due) => void;
}

export function isContentPart(part: StreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-call-delta';
}

export function createAttemptDeadlines(options: AttemptDeadlinesOptions): AttemptDeadlines {
  const { policy, clock, setTimer, startedAt, clientSignal } = options;
  let sawPart = false;
  let sawContent = false;
  let stopped = false;
  let waiter: Waiter | undefined;
  let timer: { readonly cancel: () => void; readonly at: number } | undefined;

  function earliestDue(current: Waiter): Due | undefined {
    let due: Due | undefined;
    const consider = (limit: TimeoutLimit, limitMs: number | undefined, from: number) => {
      if (limitMs === undefined) return;
      const at = from + limitMs;
      if (due === undefined || at < due.at) due = { limit, limitMs, at };
    };
    if (!sawContent) consider('ttftMs', policy.ttftMs, startedAt);
    if (sawPart) consider('idleMs', policy.idleMs, current.since);
    consider('totalMs', policy.totalMs, startedAt);
    return due;
  }

  function arm(): void {
    if (stopped || waiter === undefined) return;
    const due = earliestDue(waiter);
    if (due === undefined) return;
    // A timer armed earlier fires no later than `due` unless a new limit (idle) became active.
    if (timer !== undefined && timer.at <= due.at) return;
    timer?.cancel();
    timer = { cancel: setTimer(onTimer, Math.max(0, due.at - clock.monotonic())), at: due.at };
  }

  function onTimer(): void {
    timer = undefined;
    const current = waiter;
    if (stopped || current === undefined || clientSignal?.aborted === true) return;
    const due = earliestDue(current);
    if (due === undefined) return;
    if (clock.monotonic() < due.at) {
      arm();
      return;
    }
    waiter = undefined;
    current.expire(due);
  }

  return {
    wait<T>(pending: Promise<T>): Promise<WaitOutcome<T>> {
      return new Promise<WaitOutcome<T>>((resolve, reject) => {
        const current: Waiter = {
          since: clock.monotonic(),
          expire: (due) => resolve({ timedOut: true, limit: due.limit, limitMs: due.limitMs }),
        };
        waiter = current;
        arm();
        pending.then(
          (value) => {
            if (waiter !== current) return;
            waiter = undefined;
            resolve({ timedOut: false, value });
          },
          (error: unknown) => {
            if (waiter !== current) return;
            waiter = undefined;
            reject(error);
          },
        );
      });
    },
    notePart(part) {
      sawPart = true;
      if (!sawContent && isContentPart(part)) sawContent = true;
    },
    stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
    },
  };
}

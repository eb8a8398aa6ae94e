import type { Clock } from '../../core/clock.js';
import type { TollgateError } from '../../core/errors.js';
import { breakerOutcomeOf } from './breaker-outcome.js';
import { acquireStep, recordStep, type AcquireResult, type BreakerRecord, type BreakerState, type HealthSignal } from './breaker-record.js';
import { resolveCircuitBreakerPolicy, type CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import type { BreakerRecordUpdate, CircuitBreakerStore } from './circuit-breaker-store.js';
import { createMemoryCircuitBreakerStore } from './memory-circuit-breaker-store.js';
import { windowTotals } from './rolling-window.js';

export interface BreakerTransition {
  /** The deployment key. */
  readonly key: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: string;
  /** Wall-clock milliseconds. */
  readonly at: number;
}

export type CallOutcome = { readonly ok: true; readonly latencyMs: number } | { readonly ok: false; readonly error: TollgateError };

export interface BreakerSnapshot {
  readonly key: string;
  readonly state: BreakerState;
  readonly reason: string;
  /** Calls and failures counted in the rolling window now. */
  readonly requests: number;
  readonly failures: number;
  readonly consecutiveConnectErrors: number;
  readonly openedAt: number | undefined;
  /** Open: when the cool-down ends. Half-open with a probe in flight: when that probe expires. */
  readonly retryAt: number | undefined;
  readonly probeInFlight: boolean;
}

export interface CircuitBreakerOptions {
  /** Validated when the breaker is built; unset fields take the defaults. */
  readonly policy?: Partial<CircuitBreakerPolicy>;
  readonly clock: Clock;
  /** Defaults to a fresh in-process store. */
  readonly store?: CircuitBreakerStore;
  /** Called after each state change, e.g. to log it and count it in a metric. Must not throw. */
  readonly onTransition?: (event: BreakerTransition) => void;
}

export interface CircuitBreaker {
  /** May a call go to this deployment now? Synchronous and O(1); a denied call must not be recorded. */
  acquire(key: string): AcquireResult;
  /**
   * Reports how an allowed call ended. `latencyMs` is accepted for a future slow-call rule and
   * unused today. Failures are classified by `breakerOutcomeOf`.
   */
  record(key: string, outcome: CallOutcome): void;
  state(key: string): BreakerState;
  /** Every known deployment, sorted by key. */
  snapshot(): readonly BreakerSnapshot[];
}

/**
 * A per-deployment circuit breaker: closed → open on an error ratio over a rolling window (once
 * the window holds `minimumRequests`) or on consecutive connect errors; open → half-open on the
 * first acquire after the cool-down, letting exactly one probe through; the probe's success
 * closes it with a fresh window, its failure re-opens it with a fresh cool-down. Keys must be
 * configured deployments, never request input, which bounds the store's size.
 *
 * With an asynchronous store, `acquire` answers from the store's local replica and claims a
 * probe there at once; transitions are reported when the shared update settles.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const policy = resolveCircuitBreakerPolicy(options.policy);
  const { clock, onTransition } = options;
  const store = options.store ?? createMemoryCircuitBreakerStore();

  function reportTransition(key: string, update: BreakerRecordUpdate): void {
    const from = update.before?.state ?? 'closed';
    const after = update.after;
    if (after === undefined || after.state === from || onTransition === undefined) return;
    onTransition({ key, from, to: after.state, reason: after.reason, at: after.changedAt });
  }

  function settle(key: string, pending: BreakerRecordUpdate | Promise<BreakerRecordUpdate>): BreakerRecordUpdate | undefined {
    if (pending instanceof Promise) {
      void pending.then(function reportSettledTransition(update) {
        reportTransition(key, update);
      });
      return undefined;
    }
    reportTransition(key, pending);
    return pending;
  }

  return {
    acquire(key: string): AcquireResult {
      const now = clock.now();
      const local = acquireStep(store.read(key), now, policy);
      if (local.next === undefined) return local.result;
      const update = settle(key, store.update(key, function claimAcquire(current) {
        return acquireStep(current, now, policy).next;
      }));
      // A synchronous store answers for the authoritative record; an asynchronous one for its replica.
      return update === undefined ? local.result : acquireStep(update.before, now, policy).result;
    },

    record(key: string, outcome: CallOutcome): void {
      const now = clock.now();
      const signal = healthSignalOf(outcome);
      settle(key, store.update(key, function applyOutcome(current) {
        return recordStep(current, signal, now, policy);
      }));
    },

    state(key: string): BreakerState {
      return store.read(key)?.state ?? 'closed';
    },

    snapshot(): readonly BreakerSnapshot[] {
      const now = clock.now();
      const snapshots = [...store.entries()].map(([key, record]) => snapshotOf(key, record, now, policy));
      return Object.freeze(snapshots.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0)));
    },
  };
}

function healthSignalOf(outcome: CallOutcome): HealthSignal {
  return outcome.ok ? { kind: 'success' } : breakerOutcomeOf(outcome.error);
}

function snapshotOf(key: string, record: BreakerRecord, now: number, policy: CircuitBreakerPolicy): BreakerSnapshot {
  const { requests, failures } = windowTotals(record.window, now, policy.windowMs);
  const probeExpiresAt = record.state === 'half-open' && record.probeStartedAt !== undefined ? record.probeStartedAt + policy.cooldownMs : undefined;
  return Object.freeze({
    key,
    state: record.state,
    reason: record.reason,
    requests,
    failures,
    consecutiveConnectErrors: record.consecutiveConnectErrors,
    openedAt: record.openedAt,
    retryAt: probeExpiresAt ?? record.retryAt,
    probeInFlight: probeExpiresAt !== undefined,
  });
}

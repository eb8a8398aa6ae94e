import type { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { addToWindow, emptyWindow, windowTotals, type RollingWindow } from './rolling-window.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Everything the breaker knows about one deployment. Plain immutable data with wall-clock
 * timestamps (`Clock.now`), so a shared store can keep it for several gateway processes.
 */
export interface BreakerRecord {
  readonly state: BreakerState;
  /** Why the breaker is in `state`, e.g. "error ratio 10/20 ≥ 0.5". */
  readonly reason: string;
  /** When `state` was entered. */
  readonly changedAt: number;
  readonly window: RollingWindow;
  readonly consecutiveConnectErrors: number;
  /** When the circuit last opened; `undefined` while closed. */
  readonly openedAt: number | undefined;
  /** When the cool-down of an open circuit ends; `undefined` otherwise. */
  readonly retryAt: number | undefined;
  /** Half-open: when the probe in flight was let through; `undefined` when none is in flight. */
  readonly probeStartedAt: number | undefined;
}

export type AcquireResult =
  | { readonly allowed: true; readonly probe: boolean }
  | { readonly allowed: false; readonly state: 'open' | 'half-open'; readonly retryInMs: number };

/** A call's outcome as the breaker sees it: a success, or a classified failure. */
export type HealthSignal =
  | { readonly kind: 'success' }
  | { readonly kind: 'failure'; readonly connectError: boolean; readonly reason: string }
  | { readonly kind: 'ignored'; readonly reason: string };

export interface AcquireStep {
  readonly result: AcquireResult;
  /** The record to store, or `undefined` when the decision changes nothing (the closed hot path). */
  readonly next: BreakerRecord | undefined;
}

export function closedRecord(now: number, reason: string): BreakerRecord {
  return {
    state: 'closed',
    reason,
    changedAt: now,
    window: emptyWindow,
    consecutiveConnectErrors: 0,
    openedAt: undefined,
    retryAt: undefined,
    probeStartedAt: undefined,
  };
}

const allowed: AcquireResult = Object.freeze({ allowed: true, probe: false });
const probeAllowed: AcquireResult = Object.freeze({ allowed: true, probe: true });

/**
 * Decides whether a call may go to the deployment. Pure. Open circuits reject until their
 * cool-down ends; the first acquire after it moves to half-open and becomes the single probe.
 * While a probe is in flight every other acquire is rejected; a probe left unrecorded for a
 * whole cool-down (its caller crashed) expires and the next acquire becomes the probe.
 */
export function acquireStep(record: BreakerRecord | undefined, now: number, policy: CircuitBreakerPolicy): AcquireStep {
  if (record === undefined || record.state === 'closed') return { result: allowed, next: undefined };
  if (record.state === 'open') {
    const retryAt = record.retryAt ?? now;
    if (now < retryAt) return { result: { allowed: false, state: 'open', retryInMs: retryAt - now }, next: undefined };
    const next: BreakerRecord = { ...record, state: 'half-open', reason: 'cool-down elapsed; probing', changedAt: now, retryAt: undefined, probeStartedAt: now };
    return { result: probeAllowed, next };
  }
  if (record.probeStartedAt === undefined) {
    return { result: probeAllowed, next: { ...record, probeStartedAt: now } };
  }
  const probeExpiresAt = record.probeStartedAt + policy.cooldownMs;
  if (now < probeExpiresAt) return { result: { allowed: false, state: 'half-open', retryInMs: probeExpiresAt - now }, next: undefined };
  const next: BreakerRecord = { ...record, reason: 'previous probe was never recorded; probing again', probeStartedAt: now };
  return { result: probeAllowed, next };
}

/**
 * Applies one call's outcome. Pure; returns `undefined` when nothing changes.
 *
 * - closed: counts the call in the window, then opens on the consecutive-connect-errors rule or
 *   on the error ratio (checked after every call, since a success may land as older successes age out).
 * - half-open: any success or failure settles the probe: success closes with a fresh window,
 *   failure re-opens with a fresh cool-down. The breaker cannot tell the probe from a call that
 *   started before the circuit opened and finished late; such a call is just as recent evidence.
 *   An ignored outcome frees the probe slot so the next acquire probes again.
 * - open: outcomes of calls that started before the circuit opened are dropped.
 */
export function recordStep(
  record: BreakerRecord | undefined,
  signal: HealthSignal,
  now: number,
  policy: CircuitBreakerPolicy,
): BreakerRecord | undefined {
  const current = record ?? closedRecord(now, 'no failures yet');
  if (current.state === 'open') return undefined;
  if (signal.kind === 'ignored') {
    return current.state === 'half-open' && current.probeStartedAt !== undefined ? { ...current, probeStartedAt: undefined } : undefined;
  }
  const consecutiveConnectErrors = signal.kind === 'failure' && signal.connectError ? current.consecutiveConnectErrors + 1 : 0;
  if (current.state === 'half-open') {
    return signal.kind === 'success'
      ? closedRecord(now, 'probe succeeded')
      : openRecord({ ...current, consecutiveConnectErrors }, now, policy, `probe failed: ${signal.reason}`);
  }
  const window = addToWindow(current.window, now, policy.windowMs, signal.kind === 'failure');
  const counted: BreakerRecord = { ...current, window, consecutiveConnectErrors };
  if (consecutiveConnectErrors >= policy.consecutiveConnectErrors) {
    return openRecord(counted, now, policy, `${consecutiveConnectErrors} consecutive connect errors`);
  }
  const { requests, failures } = windowTotals(window, now, policy.windowMs);
  if (requests >= policy.minimumRequests && failures / requests >= policy.errorRatio) {
    return openRecord(counted, now, policy, `error ratio ${failures}/${requests} ≥ ${policy.errorRatio} over ${policy.windowMs} ms`);
  }
  return counted;
}

function openRecord(record: BreakerRecord, now: number, policy: CircuitBreakerPolicy, reason: string): BreakerRecord {
  return { ...record, state: 'open', reason, changedAt: now, openedAt: now, retryAt: now + policy.cooldownMs, probeStartedAt: undefined };
}

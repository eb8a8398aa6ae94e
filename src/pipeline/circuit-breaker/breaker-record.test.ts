import { describe, expect, it } from 'vitest';
import { acquireStep, closedRecord, recordStep, type BreakerRecord, type HealthSignal } from './breaker-record.js';
import { resolveCircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { windowTotals } from './rolling-window.js';

const policy = resolveCircuitBreakerPolicy({ cooldownMs: 1_000, consecutiveConnectErrors: 3 });
const success: HealthSignal = { kind: 'success' };
const serverError: HealthSignal = { kind: 'failure', connectError: false, reason: 'TG_ERR_UPSTREAM_SERVER (502)' };
const connectError: HealthSignal = { kind: 'failure', connectError: true, reason: 'TG_ERR_UPSTREAM_CONNECT (502)' };
const aborted: HealthSignal = { kind: 'ignored', reason: 'client went away' };

function halfOpen(probeStartedAt: number | undefined): BreakerRecord {
  return { ...closedRecord(0, 'test'), state: 'half-open', openedAt: 0, probeStartedAt };
}

function open(retryAt: number): BreakerRecord {
  return { ...closedRecord(0, 'test'), state: 'open', reason: 'opened by test', openedAt: 0, retryAt };
}

describe('acquireStep', () => {
  it('lets a closed (or unknown) deployment through without writing anything', () => {
    expect(acquireStep(undefined, 0, policy)).toEqual({ result: { allowed: true, probe: false }, next: undefined });
    expect(acquireStep(closedRecord(0, 'test'), 5, policy)).toEqual({ result: { allowed: true, probe: false }, next: undefined });
  });

  it('rejects until the cool-down ends, then moves to half-open and lets one probe through', () => {
    expect(acquireStep(open(1_000), 400, policy)).toEqual({ result: { allowed: false, state: 'open', retryInMs: 600 }, next: undefined });
    const step = acquireStep(open(1_000), 1_000, policy);
    expect(step.result).toEqual({ allowed: true, probe: true });
    expect(step.next).toMatchObject({ state: 'half-open', probeStartedAt: 1_000, changedAt: 1_000, retryAt: undefined });
  });

  it('expires a probe nobody recorded after one cool-down and lets a new probe through', () => {
    expect(acquireStep(halfOpen(5_000), 5_999, policy)).toEqual({ result: { allowed: false, state: 'half-open', retryInMs: 1 }, next: undefined });
    const step = acquireStep(halfOpen(5_000), 6_000, policy);
    expect(step.result).toEqual({ allowed: true, probe: true });
    expect(step.next).toMatchObject({ state: 'half-open', probeStartedAt: 6_000, reason: 'previous probe was never recorded; probing again' });
  });

  it('lets a probe through when half-open with no probe in flight', () => {
    const step = acquireStep(halfOpen(undefined), 10, policy);
    expect(step.result).toEqual({ allowed: true, probe: true });
    expect(step.next?.probeStartedAt).toBe(10);
  });
});

describe('recordStep', () => {
  it('drops outcomes that arrive while the circuit is open', () => {
    expect(recordStep(open(1_000), success, 10, policy)).toBeUndefined();
    expect(recordStep(open(1_000), serverError, 10, policy)).toBeUndefined();
  });

  it('writes nothing for an ignored outcome while closed', () => {
    expect(recordStep(undefined, aborted, 0, policy)).toBeUndefined();
    expect(recordStep(closedRecord(0, 'test'), aborted, 0, policy)).toBeUndefined();
  });

  it('frees the probe slot when the probe ends with an ignored outcome', () => {
    expect(recordStep(halfOpen(100), aborted, 200, policy)).toMatchObject({ state: 'half-open', probeStartedAt: undefined });
  });

  it('counts a connect error streak and resets it on any other outcome', () => {
    const twoConnects = recordStep(recordStep(undefined, connectError, 0, policy), connectError, 1, policy);
    expect(twoConnects?.consecutiveConnectErrors).toBe(2);
    expect(recordStep(twoConnects, serverError, 2, policy)?.consecutiveConnectErrors).toBe(0);
    expect(recordStep(twoConnects, success, 2, policy)?.consecutiveConnectErrors).toBe(0);
  });

  it('closes with an empty window when the probe succeeds', () => {
    const record = { ...halfOpen(100), consecutiveConnectErrors: 3 };
    const closed = recordStep(record, success, 200, policy);
    expect(closed).toMatchObject({ state: 'closed', reason: 'probe succeeded', changedAt: 200, openedAt: undefined, consecutiveConnectErrors: 0 });
    expect(closed === undefined ? undefined : windowTotals(closed.window, 200, policy.windowMs)).toEqual({ requests: 0, failures: 0 });
  });

  it('re-opens with a fresh cool-down when the probe fails', () => {
    expect(recordStep(halfOpen(100), serverError, 200, policy)).toMatchObject({
      state: 'open',
      reason: 'probe failed: TG_ERR_UPSTREAM_SERVER (502)',
      openedAt: 200,
      retryAt: 1_200,
      probeStartedAt: undefined,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { resolveTimeoutPolicy, type TimeoutPolicy } from './timeout-policy.js';
import { timeoutStage } from './timeout-stage.js';
import { unrefSetTimer } from './set-timer.js';

describe('resolveTimeoutPolicy', () => {
  it('keeps the limits given and leaves the others unlimited', () => {
    expect(resolveTimeoutPolicy({ ttftMs: 10_000, totalMs: undefined })).toStrictEqual({ ttftMs: 10_000, idleMs: undefined, totalMs: undefined });
    expect(resolveTimeoutPolicy()).toStrictEqual({ ttftMs: undefined, idleMs: undefined, totalMs: undefined });
  });

  it('returns a frozen policy', () => {
    expect(Object.isFrozen(resolveTimeoutPolicy({ idleMs: 5 }))).toBe(true);
  });

  it.each<[TimeoutPolicy, string]>([
    [{ ttftMs: 0 }, 'ttftMs'],
    [{ idleMs: -1 }, 'idleMs'],
    [{ totalMs: Number.NaN }, 'totalMs'],
    [{ totalMs: Number.POSITIVE_INFINITY }, 'totalMs'],
  ])('rejects %o naming %s', (policy, field) => {
    expect(() => resolveTimeoutPolicy(policy)).toThrow(new RegExp(`^Invalid timeout policy: ${field} must be a positive`));
  });

  it('is applied when the stage is built, not at the first request', () => {
    expect(() => timeoutStage({ idleMs: 0 })).toThrow(/idleMs/);
  });
});

describe('unrefSetTimer', () => {
  it('fires after the delay unless cancelled', async () => {
    const fired: string[] = [];
    unrefSetTimer(() => fired.push('kept'), 10);
    const cancel = unrefSetTimer(() => fired.push('cancelled'), 10);
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toStrictEqual(['kept']);
  });
});

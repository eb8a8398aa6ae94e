import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { createDeploymentLoads, type DeploymentLoadsOptions } from './deployment-loads.js';

function manualClock(): Clock & { advance(ms: number): void } {
  let monotonic = 0;
  let wall = 1_700_000_000_000;
  return {
    now: () => wall,
    monotonic: () => monotonic,
    advance(ms) {
      monotonic += ms;
      wall += ms;
    },
  };
}

function loads(options: Partial<DeploymentLoadsOptions> = {}) {
  return createDeploymentLoads({ clock: manualClock(), ewmaAlpha: 0.5, maxCoolDownMs: 300_000, defaultCoolDownMs: 5_000, ...options });
}

describe('createDeploymentLoads', () => {
  it('seeds the EWMA with the first success and moves it by alpha after', () => {
    const table = loads({ ewmaAlpha: 0.25 });
    table.begin('a')({ latencyMs: 400 });
    expect(table.load('a')?.ewmaLatencyMs).toBe(400);
    table.begin('a')({ latencyMs: 800 });
    expect(table.load('a')?.ewmaLatencyMs).toBe(500);
  });

  it('counts calls in flight until they finish, and a failure does not touch the latency EWMA', () => {
    const table = loads();
    const first = table.begin('a');
    const second = table.begin('a');
    expect(table.load('a')?.inFlight).toBe(2);
    first({ latencyMs: 100 });
    second({ failed: true });
    expect(table.load('a')).toMatchObject({ inFlight: 0, ewmaLatencyMs: 100 });
  });

  it('counts only the first finish of a call', () => {
    const table = loads();
    table.begin('a');
    const finish = table.begin('a');
    finish({ latencyMs: 100 });
    finish({ latencyMs: 900 });
    finish({ failed: true });
    expect(table.load('a')).toMatchObject({ inFlight: 1, ewmaLatencyMs: 100 });
  });

  it('ignores a negative or non-finite latency instead of poisoning the average', () => {
    const table = loads();
    table.begin('a')({ latencyMs: 100 });
    table.begin('a')({ latencyMs: Number.NaN });
    table.begin('a')({ latencyMs: -5 });
    table.begin('a')({ latencyMs: Number.POSITIVE_INFINITY });
    expect(table.load('a')).toMatchObject({ inFlight: 0, ewmaLatencyMs: 100 });
  });

  it('uses the default cool-down for a missing, negative or NaN retry-after', () => {
    const table = loads();
    expect(table.coolDown('a', undefined)).toBe(5_000);
    expect(table.coolDown('b', -1)).toBe(5_000);
    expect(table.coolDown('c', Number.NaN)).toBe(5_000);
    expect(table.coolDown('d', 0)).toBe(0);
    expect(table.coolingDown('d')).toBe(false);
  });

  it('keeps the later end when cooled down twice', () => {
    const clock = manualClock();
    const table = loads({ clock });
    table.coolDown('a', 10_000);
    table.coolDown('a', 1_000);
    clock.advance(9_999);
    expect(table.coolingDown('a')).toBe(true);
    table.coolDown('a', 5_000);
    clock.advance(4_999);
    expect(table.coolingDown('a')).toBe(true);
    clock.advance(1);
    expect(table.coolingDown('a')).toBe(false);
  });

  it('reports cool-downs on the wall clock and drops them from stats once over', () => {
    const clock = manualClock();
    const table = loads({ clock });
    table.coolDown('a', 2_000);
    expect(table.stats()).toEqual([{ key: 'a', inFlight: 0, ewmaLatencyMs: undefined, coolingDownUntil: 1_700_000_002_000 }]);
    clock.advance(2_000);
    expect(table.stats()[0]?.coolingDownUntil).toBeUndefined();
  });

  it('does not know a key it has never seen', () => {
    const table = loads();
    expect(table.load('a')).toBeUndefined();
    expect(table.coolingDown('a')).toBe(false);
    expect(table.stats()).toEqual([]);
  });

  it('rejects bad options when built', () => {
    expect(() => loads({ ewmaAlpha: Number.NaN })).toThrow(/ewmaAlpha/);
    expect(() => loads({ defaultCoolDownMs: Number.POSITIVE_INFINITY })).toThrow(/defaultCoolDownMs/);
  });
});

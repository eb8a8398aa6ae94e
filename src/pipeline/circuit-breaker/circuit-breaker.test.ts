import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { TollgateError, type ErrorCode } from '../../core/errors.js';
import type { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import type { CircuitBreakerStore } from './circuit-breaker-store.js';
import { createCircuitBreaker, type BreakerTransition, type CallOutcome } from './circuit-breaker.js';
import { createMemoryCircuitBreakerStore } from './memory-circuit-breaker-store.js';

interface ManualClock extends Clock {
  advance(milliseconds: number): void;
}

function manualClock(start = 1_750_000_000_000): ManualClock {
  let now = start;
  return {
    now: () => now,
    monotonic: () => now - start,
    advance(milliseconds) {
      now += milliseconds;
    },
  };
}

function failed(code: ErrorCode, isRetryable = true): CallOutcome {
  return { ok: false, error: new TollgateError({ code, message: code, isRetryable }) };
}

const ok: CallOutcome = { ok: true, latencyMs: 120 };
const serverError = failed('TG_ERR_UPSTREAM_SERVER');
const connectError = failed('TG_ERR_UPSTREAM_CONNECT');
const key = 'openai/gpt-4o-mini';

function setup(policy: Partial<CircuitBreakerPolicy> = {}, store?: CircuitBreakerStore) {
  const clock = manualClock();
  const transitions: BreakerTransition[] = [];
  const breaker = createCircuitBreaker({ policy, clock, store, onTransition: (event) => transitions.push(event) });
  /** One call: acquire, then record the outcome if it was let through. */
  function call(outcome: CallOutcome, callKey = key): boolean {
    const acquired = breaker.acquire(callKey);
    if (acquired.allowed) breaker.record(callKey, outcome);
    return acquired.allowed;
  }
  return { clock, transitions, breaker, call };
}

describe('circuit breaker', () => {
  it('ejects a deployment failing 50% of 20 requests before the next request, and probes it after the cool-down', () => {
    const { clock, transitions, breaker, call } = setup();
    const start = clock.now();
    for (let request = 1; request <= 19; request += 1) {
      expect(call(request % 2 === 1 ? serverError : ok)).toBe(true);
      clock.advance(100);
    }
    expect(breaker.state(key)).toBe('closed');
    expect(call(ok)).toBe(true); // request 20: 10 failures of 20
    expect(breaker.state(key)).toBe('open');
    const openedAt = start + 1_900;
    expect(transitions).toEqual([{ key, from: 'closed', to: 'open', reason: 'error ratio 10/20 ≥ 0.5 over 30000 ms', at: openedAt }]);

    // Request 21 is turned away at once, with the time left on the cool-down.
    expect(breaker.acquire(key)).toEqual({ allowed: false, state: 'open', retryInMs: 30_000 });
    clock.advance(29_999);
    expect(breaker.acquire(key)).toEqual({ allowed: false, state: 'open', retryInMs: 1 });

    clock.advance(1);
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true });
    expect(breaker.state(key)).toBe('half-open');
    expect(breaker.acquire(key)).toEqual({ allowed: false, state: 'half-open', retryInMs: 30_000 });

    breaker.record(key, ok);
    expect(breaker.state(key)).toBe('closed');
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: false });
    expect(breaker.snapshot()[0]).toMatchObject({ state: 'closed', requests: 0, failures: 0, openedAt: undefined });
    expect(transitions.map(({ from, to, reason }) => [from, to, reason])).toEqual([
      ['closed', 'open', 'error ratio 10/20 ≥ 0.5 over 30000 ms'],
      ['open', 'half-open', 'cool-down elapsed; probing'],
      ['half-open', 'closed', 'probe succeeded'],
    ]);
  });

  it('re-opens with a fresh cool-down when the probe fails', () => {
    const { clock, transitions, breaker, call } = setup({ minimumRequests: 4, cooldownMs: 10_000 });
    for (let request = 0; request < 4; request += 1) call(serverError);
    clock.advance(10_000);
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true });
    clock.advance(250);
    breaker.record(key, failed('TG_ERR_UPSTREAM_TIMEOUT'));

    expect(breaker.state(key)).toBe('open');
    expect(breaker.acquire(key)).toEqual({ allowed: false, state: 'open', retryInMs: 10_000 });
    expect(breaker.snapshot()[0]).toMatchObject({ openedAt: clock.now(), retryAt: clock.now() + 10_000 });
    expect(transitions.at(-1)).toEqual({ key, from: 'half-open', to: 'open', reason: 'probe failed: TG_ERR_UPSTREAM_TIMEOUT (504)', at: clock.now() });
  });

  it('never opens on the ratio below minimumRequests, however bad the ratio', () => {
    const { breaker, call } = setup({ minimumRequests: 20 });
    for (let request = 0; request < 19; request += 1) call(serverError);
    expect(breaker.state(key)).toBe('closed');
    expect(breaker.snapshot()[0]).toMatchObject({ requests: 19, failures: 19 });
    call(serverError);
    expect(breaker.state(key)).toBe('open');
  });

  it('forgets failures older than the window', () => {
    function run(gapMs: number): string {
      const { clock, breaker, call } = setup({ windowMs: 30_000, minimumRequests: 20 });
      for (let request = 0; request < 15; request += 1) call(serverError);
      clock.advance(gapMs);
      for (let request = 0; request < 5; request += 1) call(serverError);
      for (let request = 0; request < 15; request += 1) call(ok);
      return breaker.state(key);
    }
    // Within the window 20 of 35 failed; once the first 15 age out, only 5 of 20 did.
    expect(run(1_000)).toBe('open');
    expect(run(30_000)).toBe('closed');
  });

  it('opens on consecutive connect errors even below minimumRequests', () => {
    const { breaker, transitions, call } = setup({ consecutiveConnectErrors: 5, minimumRequests: 20 });
    for (let request = 0; request < 4; request += 1) call(connectError);
    expect(breaker.state(key)).toBe('closed');
    call(connectError);
    expect(breaker.state(key)).toBe('open');
    expect(transitions[0]?.reason).toBe('5 consecutive connect errors');
    expect(breaker.snapshot()[0]).toMatchObject({ requests: 5, failures: 5, consecutiveConnectErrors: 5 });
  });

  it('needs the connect errors in a row: a success or another failure breaks the streak', () => {
    const { breaker, call } = setup({ consecutiveConnectErrors: 3 });
    for (const outcome of [connectError, connectError, ok, connectError, connectError, serverError, connectError, connectError]) call(outcome);
    expect(breaker.state(key)).toBe('closed');
    expect(breaker.snapshot()[0]?.consecutiveConnectErrors).toBe(2);
  });

  it('does not count errors that say nothing about the deployment, either way', () => {
    const { breaker, call } = setup({ minimumRequests: 20 });
    const ignored = [failed('TG_ERR_UPSTREAM_BAD_REQUEST', false), failed('TG_ERR_CLIENT_ABORTED', false), failed('TG_ERR_UPSTREAM_CONTEXT_LENGTH', false)];
    for (let request = 0; request < 30; request += 1) call(ignored[request % 3] ?? ok);
    expect(breaker.snapshot()).toEqual([]);

    for (let request = 0; request < 10; request += 1) call(serverError);
    for (let request = 0; request < 9; request += 1) call(ok);
    for (let request = 0; request < 30; request += 1) call(ignored[request % 3] ?? ok);
    expect(breaker.state(key)).toBe('closed');
    expect(breaker.snapshot()[0]).toMatchObject({ requests: 19, failures: 10 });
    call(ok);
    expect(breaker.state(key)).toBe('open');
  });

  it('counts rejected credentials as a deployment failure', () => {
    const { breaker, call } = setup({ minimumRequests: 2 });
    call(failed('TG_ERR_UPSTREAM_AUTH', false));
    call(failed('TG_ERR_UPSTREAM_AUTH', false));
    expect(breaker.state(key)).toBe('open');
  });

  it('drops outcomes of calls that finish while the circuit is open', () => {
    const { clock, breaker, call } = setup({ minimumRequests: 2, cooldownMs: 1_000 });
    call(serverError);
    call(serverError);
    for (let late = 0; late < 5; late += 1) breaker.record(key, ok);
    expect(breaker.state(key)).toBe('open');
    clock.advance(1_000);
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true });
  });

  it('does not wedge on a probe that is never recorded: it expires after the cool-down', () => {
    const { clock, transitions, breaker, call } = setup({ minimumRequests: 2, cooldownMs: 5_000 });
    call(serverError);
    call(serverError);
    clock.advance(5_000);
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true }); // the caller crashes
    clock.advance(4_999);
    expect(breaker.acquire(key)).toEqual({ allowed: false, state: 'half-open', retryInMs: 1 });
    clock.advance(1);
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true });
    expect(breaker.acquire(key)).toMatchObject({ allowed: false, state: 'half-open' });
    expect(transitions.map(({ to }) => to)).toEqual(['open', 'half-open']);
  });

  it('lets the next acquire probe when the probe ends with an ignored outcome', () => {
    const { clock, breaker, call } = setup({ minimumRequests: 2, cooldownMs: 1_000 });
    call(serverError);
    call(serverError);
    clock.advance(1_000);
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true });
    breaker.record(key, failed('TG_ERR_CLIENT_ABORTED', false));
    expect(breaker.state(key)).toBe('half-open');
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true });
  });

  it('keeps deployments apart and snapshots each, sorted by key', () => {
    const { clock, breaker, call } = setup({ minimumRequests: 2, cooldownMs: 1_000 });
    const start = clock.now();
    call(ok, 'z-healthy');
    call(serverError, 'a-broken');
    call(connectError, 'a-broken');
    expect(breaker.state('z-healthy')).toBe('closed');
    expect(breaker.state('never-seen')).toBe('closed');
    expect(breaker.acquire('z-healthy')).toEqual({ allowed: true, probe: false });
    expect(breaker.snapshot()).toEqual([
      {
        key: 'a-broken',
        state: 'open',
        reason: 'error ratio 2/2 ≥ 0.5 over 30000 ms',
        requests: 2,
        failures: 2,
        consecutiveConnectErrors: 1,
        openedAt: start,
        retryAt: start + 1_000,
        probeInFlight: false,
      },
      {
        key: 'z-healthy',
        state: 'closed',
        reason: 'no failures yet',
        requests: 1,
        failures: 0,
        consecutiveConnectErrors: 0,
        openedAt: undefined,
        retryAt: undefined,
        probeInFlight: false,
      },
    ]);
    clock.advance(1_000);
    breaker.acquire('a-broken');
    expect(breaker.snapshot()[0]).toMatchObject({ state: 'half-open', probeInFlight: true, retryAt: start + 2_000 });
  });

  it('rejects a bad policy when it is built', () => {
    expect(() => createCircuitBreaker({ policy: { errorRatio: 2 }, clock: manualClock() })).toThrow(/errorRatio must be/);
  });

  it('works over an asynchronous store: decides on the local replica and reports transitions once they settle', async () => {
    const memory = createMemoryCircuitBreakerStore();
    const asyncStore: CircuitBreakerStore = {
      read: (storeKey) => memory.read(storeKey),
      update: (storeKey, change) => Promise.resolve(memory.update(storeKey, change)),
      entries: () => memory.entries(),
    };
    const { clock, transitions, breaker, call } = setup({ minimumRequests: 2, cooldownMs: 1_000 }, asyncStore);
    call(serverError);
    call(serverError);
    expect(breaker.state(key)).toBe('open');
    expect(transitions).toEqual([]);
    await Promise.resolve();
    expect(transitions.map(({ to }) => to)).toEqual(['open']);

    clock.advance(1_000);
    expect(breaker.acquire(key)).toEqual({ allowed: true, probe: true });
    expect(breaker.acquire(key)).toMatchObject({ allowed: false, state: 'half-open' });
    await Promise.resolve();
    expect(transitions.map(({ to }) => to)).toEqual(['open', 'half-open']);
  });
});

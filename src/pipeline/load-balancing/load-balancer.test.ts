import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { createSeededRandom } from '../../testing/simulator/seeded-random.js';
import { deploymentKey, loadBalancingStrategies, type BalancedDeployment } from './balanced-deployment.js';
import { createLoadBalancer, type LoadBalancer, type LoadBalancerOptions } from './load-balancer.js';

interface ManualClock extends Clock {
  advance(ms: number): void;
}

function manualClock(): ManualClock {
  let monotonic = 5_000;
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

function balancer(options: Partial<LoadBalancerOptions> = {}, clock: Clock = manualClock()): LoadBalancer {
  return createLoadBalancer({ strategy: 'weighted', clock, random: createSeededRandom(42).next, ...options });
}

function shares(lb: LoadBalancer, candidates: readonly BalancedDeployment[], picks: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index < picks; index++) {
    const key = lb.pick(candidates)?.key ?? 'none';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].map(([key, count]) => [key, count / picks]));
}

function measure(lb: LoadBalancer, key: string, latencyMs: number): void {
  lb.begin(key)({ latencyMs });
}

const a = { key: 'a' };
const b = { key: 'b' };
const c = { key: 'c' };

describe('createLoadBalancer: weighted', () => {
  it('spreads 10_000 picks 3:1 within two points', () => {
    const share = shares(balancer(), [{ key: 'a', weight: 3 }, { key: 'b', weight: 1 }], 10_000);
    expect(share.get('a')).toBeGreaterThan(0.73);
    expect(share.get('a')).toBeLessThan(0.77);
    expect(share.get('b')).toBeGreaterThan(0.23);
    expect(share.get('b')).toBeLessThan(0.27);
  });

  it('weighs a deployment without a weight as 1', () => {
    const share = shares(balancer(), [a, { key: 'b', weight: 1 }], 10_000);
    expect(share.get('a')).toBeGreaterThan(0.48);
    expect(share.get('a')).toBeLessThan(0.52);
  });

  it('never picks a weight-0 deployment while another weighs more, and spreads evenly when all weigh 0', () => {
    const lb = balancer();
    expect(shares(lb, [{ key: 'a', weight: 0 }, { key: 'b', weight: 2 }], 1_000).get('a')).toBeUndefined();
    const drained = shares(lb, [{ key: 'a', weight: 0 }, { key: 'b', weight: 0 }], 1_000);
    expect(drained.get('a')).toBeGreaterThan(0.4);
    expect(drained.get('b')).toBeGreaterThan(0.4);
  });

  it('rejects a negative or non-finite weight', () => {
    const lb = balancer();
    expect(() => lb.pick([{ key: 'a', weight: -1 }])).toThrow(RangeError);
    expect(() => lb.pick([{ key: 'a', weight: Number.NaN }])).toThrow(/weight NaN/);
  });
});

describe('createLoadBalancer: least-busy', () => {
  it('picks the idle deployment', () => {
    const lb = balancer({ strategy: 'least-busy' });
    lb.begin('a');
    lb.begin('a');
    lb.begin('c');
    expect(shares(lb, [a, b, c], 200).get('b')).toBe(1);
  });

  it('breaks ties at random and counts a finished call as no longer busy', () => {
    const lb = balancer({ strategy: 'least-busy' });
    const finish = lb.begin('a');
    expect(shares(lb, [a, b], 100).get('b')).toBe(1);
    finish({ failed: true });
    const share = shares(lb, [a, b], 1_000);
    expect(share.get('a')).toBeGreaterThan(0.4);
    expect(share.get('b')).toBeGreaterThan(0.4);
  });
});

describe('createLoadBalancer: least-latency', () => {
  it('prefers the faster deployment once the EWMA has measured both', () => {
    const lb = balancer({ strategy: 'least-latency' });
    measure(lb, 'a', 900);
    measure(lb, 'b', 200);
    expect(shares(lb, [a, b], 200).get('b')).toBe(1);
    // The EWMA moves: a becomes fast and b slow.
    for (let round = 0; round < 20; round++) {
      measure(lb, 'a', 100);
      measure(lb, 'b', 800);
    }
    expect(shares(lb, [a, b], 200).get('a')).toBe(1);
  });

  it('still explores: with three deployments the fastest wins only the draws it is in (≈ 2/3)', () => {
    const lb = balancer({ strategy: 'least-latency' });
    measure(lb, 'a', 100);
    measure(lb, 'b', 300);
    measure(lb, 'c', 500);
    const share = shares(lb, [a, b, c], 10_000);
    expect(share.get('a')).toBeGreaterThan(0.64);
    expect(share.get('a')).toBeLessThan(0.69);
    expect(share.get('b')).toBeGreaterThan(0.31);
    expect(share.get('c')).toBeUndefined();
  });

  it('sends load to the slower deployment once the faster one queues up', () => {
    const lb = balancer({ strategy: 'least-latency' });
    measure(lb, 'a', 100);
    measure(lb, 'b', 300);
    for (let call = 0; call < 3; call++) lb.begin('a');
    // a: 100 × 4 = 400 against b: 300 × 1.
    expect(lb.pick([a, b])?.key).toBe('b');
  });

  it('explores an unmeasured idle deployment first, then scores it at the mean while its first call runs', () => {
    const lb = balancer({ strategy: 'least-latency' });
    measure(lb, 'a', 100);
    measure(lb, 'b', 300);
    expect(lb.pick([a, b, c])?.key).toBe('c');
    lb.begin('c');
    // c in flight scores mean(100, 300) × 2 = 400: it loses to both until it is measured.
    expect(shares(lb, [a, b, c], 300).get('c')).toBeUndefined();
  });
});

describe('createLoadBalancer: lowest-cost', () => {
  const cheap = { key: 'cheap', costNanosPerMTok: 200 };
  const dear = { key: 'dear', costNanosPerMTok: 5_000 };
  const unknown = { key: 'unknown', costNanosPerMTok: undefined };

  it('picks the cheapest known price and ranks an unknown price last, never as free', () => {
    const lb = balancer({ strategy: 'lowest-cost' });
    expect(shares(lb, [unknown, dear, cheap], 100).get('cheap')).toBe(1);
    expect(lb.pick([unknown, dear, cheap], { exclude: new Set(['cheap']) })?.key).toBe('dear');
    expect(lb.pick([unknown, dear, cheap], { exclude: new Set(['cheap', 'dear']) })?.key).toBe('unknown');
    expect(lb.pick([unknown, { key: 'free', costNanosPerMTok: 0 }])?.key).toBe('free');
  });

  it('sends equal prices to the least busy', () => {
    const lb = balancer({ strategy: 'lowest-cost' });
    const twin = { key: 'twin', costNanosPerMTok: 200 };
    lb.begin('cheap');
    expect(shares(lb, [cheap, twin, dear], 100).get('twin')).toBe(1);
  });

  it('rejects a non-finite price', () => {
    expect(() => balancer({ strategy: 'lowest-cost' }).pick([{ key: 'x', costNanosPerMTok: Number.NaN }])).toThrow(RangeError);
  });
});

describe('createLoadBalancer: eligibility', () => {
  it.each(loadBalancingStrategies)('%s skips excluded keys and returns undefined when all are excluded', (strategy) => {
    const lb = balancer({ strategy });
    expect(shares(lb, [a, b, c], 200).get('a')).toBeGreaterThan(0);
    const picked = new Set<string | undefined>();
    for (let index = 0; index < 200; index++) picked.add(lb.pick([a, b, c], { exclude: new Set(['a', 'c']) })?.key);
    expect([...picked]).toEqual(['b']);
    expect(lb.pick([a, b, c], { exclude: new Set(['a', 'b', 'c']) })).toBeUndefined();
    expect(lb.pick([])).toBeUndefined();
  });

  it.each(loadBalancingStrategies)('%s skips a deployment cooling down after a 429 until its retry-after passes', (strategy) => {
    const clock = manualClock();
    const lb = balancer({ strategy }, clock);
    expect(lb.coolDown('a', 2_000)).toBe(2_000);
    expect(lb.coolingDown('a')).toBe(true);
    expect(shares(lb, [a, b], 200).get('b')).toBe(1);
    clock.advance(1_999);
    expect(lb.pick([a], {})).toBeUndefined();
    clock.advance(1);
    expect(lb.coolingDown('a')).toBe(false);
    expect(lb.pick([a])?.key).toBe('a');
  });

  it('caps a cool-down at maxCoolDownMs, defaults a missing retry-after, and never shortens a running one', () => {
    const clock = manualClock();
    const lb = balancer({ maxCoolDownMs: 60_000, defaultCoolDownMs: 3_000 }, clock);
    expect(lb.coolDown('a', 3_600_000)).toBe(60_000);
    expect(lb.coolDown('a', 10)).toBe(10);
    clock.advance(59_999);
    expect(lb.coolingDown('a')).toBe(true);
    clock.advance(1);
    expect(lb.coolingDown('a')).toBe(false);
    expect(lb.coolDown('b', undefined)).toBe(3_000);
    expect(lb.coolDown('c', Number.NaN)).toBe(3_000);
  });

  it('defaults the cap to five minutes', () => {
    expect(balancer().coolDown('a', 86_400_000)).toBe(300_000);
  });

  it('returns the caller’s own candidate object', () => {
    const rich = { key: 'a', providerId: 'openai', upstreamModel: 'gpt-4o-mini' };
    const picked = balancer().pick([rich]);
    expect(picked).toBe(rich);
    expect(picked?.upstreamModel).toBe('gpt-4o-mini');
  });
});

describe('createLoadBalancer: stickiness', () => {
  const stickiness = { ttlMs: 60_000 };

  it('holds a sticky key on its deployment within the TTL, against the strategy, renewing on use', () => {
    const clock = manualClock();
    const lb = balancer({ strategy: 'least-busy', stickiness }, clock);
    const first = lb.pick([a, b], { stickyKey: 'session-1' });
    if (first === undefined) throw new Error('expected a pick');
    lb.begin(first.key);
    lb.begin(first.key);
    for (let step = 0; step < 5; step++) {
      clock.advance(59_999);
      expect(lb.pick([a, b], { stickyKey: 'session-1' })?.key).toBe(first.key);
    }
    // A different key is not stuck: least-busy sends it to the idle deployment.
    expect(lb.pick([a, b], { stickyKey: 'session-2' })?.key).not.toBe(first.key);
  });

  it('lets an assignment expire after the TTL without use', () => {
    const clock = manualClock();
    const lb = balancer({ strategy: 'least-busy', stickiness }, clock);
    const first = lb.pick([a, b], { stickyKey: 'session-1' });
    if (first === undefined) throw new Error('expected a pick');
    lb.begin(first.key);
    clock.advance(60_000);
    expect(lb.pick([a, b], { stickyKey: 'session-1' })?.key).not.toBe(first.key);
  });

  it('moves and re-sticks when the sticky deployment is excluded', () => {
    const lb = balancer({ strategy: 'weighted', stickiness });
    const first = lb.pick([a, b], { stickyKey: 's' });
    if (first === undefined) throw new Error('expected a pick');
    const moved = lb.pick([a, b], { stickyKey: 's', exclude: new Set([first.key]) });
    expect(moved?.key).not.toBe(first.key);
    for (let index = 0; index < 50; index++) expect(lb.pick([a, b], { stickyKey: 's' })?.key).toBe(moved?.key);
  });

  it('moves and re-sticks when the sticky deployment is cooling down, and stays moved after it recovers', () => {
    const clock = manualClock();
    const lb = balancer({ strategy: 'weighted', stickiness }, clock);
    const first = lb.pick([a, b], { stickyKey: 's' });
    if (first === undefined) throw new Error('expected a pick');
    lb.coolDown(first.key, 1_000);
    const moved = lb.pick([a, b], { stickyKey: 's' });
    expect(moved?.key).not.toBe(first.key);
    clock.advance(1_000);
    for (let index = 0; index < 50; index++) expect(lb.pick([a, b], { stickyKey: 's' })?.key).toBe(moved?.key);
  });

  it('re-picks when the sticky deployment is no longer a candidate', () => {
    const lb = balancer({ stickiness });
    expect(lb.pick([a], { stickyKey: 's' })?.key).toBe('a');
    expect(lb.pick([b, c], { stickyKey: 's' })?.key).not.toBe('a');
  });

  it('forgets the least recently used assignment beyond maxEntries', () => {
    const lb = balancer({ strategy: 'least-busy', stickiness: { ttlMs: 60_000, maxEntries: 2 } });
    // While b is busy, least-busy sends fresh keys to a.
    const finishB = lb.begin('b');
    expect(lb.pick([a, b], { stickyKey: 'one' })?.key).toBe('a');
    expect(lb.pick([a, b], { stickyKey: 'two' })?.key).toBe('a');
    finishB({ failed: true });
    // Now a is busy: a fresh key goes to b, a stuck key stays on a.
    lb.begin('a');
    expect(lb.pick([a, b], { stickyKey: 'one' })?.key).toBe('a'); // renews 'one'; 'two' is now least recent
    expect(lb.pick([a, b], { stickyKey: 'three' })?.key).toBe('b'); // evicts 'two'
    expect(lb.pick([a, b], { stickyKey: 'one' })?.key).toBe('a');
    expect(lb.pick([a, b], { stickyKey: 'two' })?.key).toBe('b');
  });

  it('ignores a sticky key when stickiness is not configured', () => {
    const lb = balancer({ strategy: 'least-busy' });
    const first = lb.pick([a, b], { stickyKey: 's' });
    if (first === undefined) throw new Error('expected a pick');
    lb.begin(first.key);
    expect(lb.pick([a, b], { stickyKey: 's' })?.key).not.toBe(first.key);
  });
});

describe('createLoadBalancer: options', () => {
  it('rejects bad options when built', () => {
    expect(() => balancer({ strategy: 'round-robin' as never })).toThrow(/unknown load balancing strategy round-robin/);
    expect(() => balancer({ ewmaAlpha: 0 })).toThrow(/ewmaAlpha/);
    expect(() => balancer({ ewmaAlpha: 1.5 })).toThrow(/ewmaAlpha/);
    expect(() => balancer({ maxCoolDownMs: -1 })).toThrow(/maxCoolDownMs/);
    expect(() => balancer({ stickiness: { ttlMs: 0 } })).toThrow(/ttlMs/);
    expect(() => balancer({ stickiness: { ttlMs: 1_000, maxEntries: 0 } })).toThrow(/maxEntries/);
  });

  it('keys a core deployment by provider and upstream model', () => {
    expect(deploymentKey({ providerId: 'azure-east', providerKind: 'openai', upstreamModel: 'gpt-4o' })).toBe('azure-east/gpt-4o');
  });

  it('reports stats per deployment', () => {
    const clock = manualClock();
    const lb = balancer({ ewmaAlpha: 0.5 }, clock);
    measure(lb, 'a', 100);
    measure(lb, 'a', 200);
    lb.begin('b');
    lb.coolDown('b', 1_000);
    expect(lb.stats()).toEqual([
      { key: 'a', inFlight: 0, ewmaLatencyMs: 150, coolingDownUntil: undefined },
      { key: 'b', inFlight: 1, ewmaLatencyMs: undefined, coolingDownUntil: clock.now() + 1_000 },
    ]);
  });
});

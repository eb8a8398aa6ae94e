import type { Clock } from '../../core/clock.js';
import { loadBalancingStrategies, type BalancedDeployment, type LoadBalancingStrategy } from './balanced-deployment.js';
import { createDeploymentLoads, type DeploymentLoadStats, type FinishCall } from './deployment-loads.js';
import { isEligible, pickWithStrategy, type PickInput } from './pick-strategies.js';
import { createStickyAssignments, type StickyAssignments } from './sticky-assignments.js';

export interface StickinessOptions {
  /** An assignment lives this long after its last use (sliding). */
  readonly ttlMs: number;
  /** Bound on remembered assignments, least recently used evicted first (default 10_000). */
  readonly maxEntries?: number | undefined;
}

export interface LoadBalancerOptions {
  readonly strategy: LoadBalancingStrategy;
  readonly clock: Clock;
  /** A float in [0, 1); inject a seeded one in tests. */
  readonly random: () => number;
  /** Without it, `pick` ignores `stickyKey`. */
  readonly stickiness?: StickinessOptions | undefined;
  /** Weight of the newest latency sample in the EWMA, in (0, 1] (default 0.3). */
  readonly ewmaAlpha?: number | undefined;
  /** Cap on one 429 cool-down, whatever `retry-after` said (default 300_000 = 5 min). */
  readonly maxCoolDownMs?: number | undefined;
  /** Cool-down after a 429 without a usable `retry-after` (default 5_000). */
  readonly defaultCoolDownMs?: number | undefined;
}

export interface PickOptions {
  /** Keys not to pick (e.g. deployments already tried by this request). */
  readonly exclude?: ReadonlySet<string> | undefined;
  /** From `stickyKeyFor`; keeps requests sharing it on one deployment while that stays eligible. */
  readonly stickyKey?: string | undefined;
}

export interface LoadBalancer {
  readonly strategy: LoadBalancingStrategy;
  /**
   * Chooses among `candidates` (the deployments of one logical model), skipping excluded keys and
   * keys cooling down after a 429; `undefined` when none is eligible. A live sticky assignment wins
   * while its deployment is an eligible candidate; otherwise the strategy picks and the sticky key
   * is re-assigned. O(n) in the candidates. Call `begin` for the chosen key in the same tick.
   */
  pick<T extends BalancedDeployment>(candidates: readonly T[], options?: PickOptions): T | undefined;
  /** Counts a call to `key` as in flight until the returned function is called with its outcome. */
  begin(key: string): FinishCall;
  /**
   * Skips `key` for `retryAfterMs` (capped at `maxCoolDownMs`; `defaultCoolDownMs` when undefined
   * or invalid); never shortens a running cool-down. Returns the cool-down applied, in ms.
   */
  coolDown(key: string, retryAfterMs: number | undefined): number;
  coolingDown(key: string): boolean;
  /** One row per deployment key ever begun or cooled down. */
  stats(): readonly DeploymentLoadStats[];
}

export const defaultEwmaAlpha = 0.3;
export const defaultMaxCoolDownMs = 300_000;
export const defaultCoolDownMs = 5_000;
export const defaultMaxStickyEntries = 10_000;

/**
 * Load balancing across the deployments of one logical model. State (in-flight counts, latency
 * EWMAs, cool-downs, sticky assignments) lives in the returned object, bounded by the configured
 * deployments and `stickiness.maxEntries`. Rejects bad options when built.
 */
export function createLoadBalancer(options: LoadBalancerOptions): LoadBalancer {
  const { strategy, clock, random } = options;
  if (!loadBalancingStrategies.includes(strategy)) {
    throw new RangeError(`unknown load balancing strategy ${String(strategy)}; expected one of ${loadBalancingStrategies.join(', ')}`);
  }
  const loads = createDeploymentLoads({
    clock,
    ewmaAlpha: options.ewmaAlpha ?? defaultEwmaAlpha,
    maxCoolDownMs: options.maxCoolDownMs ?? defaultMaxCoolDownMs,
    defaultCoolDownMs: options.defaultCoolDownMs ?? defaultCoolDownMs,
  });
  const sticky: StickyAssignments | undefined =
    options.stickiness === undefined
      ? undefined
      : createStickyAssignments({
          clock,
          ttlMs: options.stickiness.ttlMs,
          maxEntries: options.stickiness.maxEntries ?? defaultMaxStickyEntries,
        });

  return {
    strategy,
    pick<T extends BalancedDeployment>(candidates: readonly T[], pickOptions: PickOptions = {}): T | undefined {
      const input: PickInput<T> = {
        candidates,
        exclude: pickOptions.exclude,
        monotonicNow: clock.monotonic(),
        loads,
        random,
      };
      const stickyKey = sticky === undefined ? undefined : pickOptions.stickyKey;
      if (sticky !== undefined && stickyKey !== undefined) {
        const stuckTo = sticky.get(stickyKey);
        if (stuckTo !== undefined) {
          for (const candidate of candidates) {
            if (candidate.key !== stuckTo) continue;
            if (isEligible(input, candidate)) return candidate;
            break;
          }
        }
      }
      const chosen = pickWithStrategy(strategy, input);
      if (chosen !== undefined && sticky !== undefined && stickyKey !== undefined) sticky.set(stickyKey, chosen.key);
      return chosen;
    },
    begin: loads.begin,
    coolDown: loads.coolDown,
    coolingDown: loads.coolingDown,
    stats: loads.stats,
  };
}

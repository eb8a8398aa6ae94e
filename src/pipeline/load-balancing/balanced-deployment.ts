import type { Deployment } from '../../core/model-call.js';

/**
 * How one logical model's traffic is spread over its deployments.
 *
 * - `weighted`: weighted random by `weight`.
 * - `least-busy`: fewest requests in flight; ties broken at random.
 * - `least-latency`: power of two choices on EWMA latency × (in flight + 1).
 * - `lowest-cost`: cheapest known price; ties go to the least busy; an unknown price ranks last.
 */
export type LoadBalancingStrategy = 'weighted' | 'least-busy' | 'least-latency' | 'lowest-cost';

export const loadBalancingStrategies: readonly LoadBalancingStrategy[] = Object.freeze([
  'weighted',
  'least-busy',
  'least-latency',
  'lowest-cost',
]);

/** One deployment the balancer may choose. Callers may pass richer objects; `pick` returns them as given. */
export interface BalancedDeployment {
  /** Identifies the deployment across calls (in-flight counts, latency, cool-downs, stickiness). */
  readonly key: string;
  /**
   * Share of traffic under `weighted` (default 1); ignored by the other strategies. A finite number
   * ≥ 0. Weight 0 drains a deployment: it is picked only when every eligible deployment weighs 0.
   */
  readonly weight?: number | undefined;
  /**
   * Blended price in nano-dollars per million tokens, for `lowest-cost`. `undefined` means the
   * price is unknown: ranked after every known price, never treated as free. `0` is a known free price.
   */
  readonly costNanosPerMTok?: number | undefined;
}

/** A stable key for a core `Deployment`: `providerId/upstreamModel`. */
export function deploymentKey(deployment: Deployment): string {
  return `${deployment.providerId}/${deployment.upstreamModel}`;
}

import type { Deployment, ModelCall } from '../../core/model-call.js';
import type { BalancedDeployment } from '../load-balancing/balanced-deployment.js';
import type { LoadBalancer } from '../load-balancing/load-balancer.js';
import type { RetryPolicy } from '../retry/retry-policy.js';

/** One deployment as the resilience layer sees it: where it goes and its (metered, timed) call. */
export interface ResilientDeployment extends BalancedDeployment {
  readonly deployment: Deployment;
  readonly call: ModelCall;
}

/** A logical model with everything the resilience layer needs to serve it. */
export interface ResilientModel {
  readonly name: string;
  readonly deployments: readonly ResilientDeployment[];
  /** Next models, in order, for provider failures (rate limit, overload, 5xx, timeout, connect). */
  readonly fallbacks: readonly string[];
  readonly contextWindowFallback: string | undefined;
  readonly contentPolicyFallback: string | undefined;
  /** The simpler-model rung of the degradation ladder. */
  readonly degradeTo: string | undefined;
  readonly balancer: LoadBalancer;
  readonly retryPolicy: RetryPolicy;
  readonly sticky: { readonly by: 'session' | 'prefix' } | undefined;
}

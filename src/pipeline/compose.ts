import type { ModelCall } from '../core/model-call.js';
import type { Stage } from './stage.js';

/** Wraps `terminal` in `stages`, the first stage outermost. */
export function composeStages(stages: readonly Stage[], terminal: ModelCall): ModelCall {
  let call = terminal;
  for (let index = stages.length - 1; index >= 0; index--) call = (stages[index] as Stage)(call);
  return call;
}

export interface GatewayPipelineParts {
  /** Resolves the logical model to a deployment and calls its (metered) adapter. */
  readonly dispatch: ModelCall;
  /** Rate limits and budgets: reserve before the call, settle after (absent when none are configured). */
  readonly limits?: Stage | undefined;
  /** The exact response cache (absent unless configured); after limits, so a hit has passed them. */
  readonly cache?: Stage | undefined;
  /** Automatic provider prompt-caching breakpoints; after the caches, so they never change a cache key. */
  readonly promptCache?: Stage | undefined;
}

/**
 * The one place the order of the request's path lives (see design.md):
 * auth → scope → rate limits → budget check → cache → prompt optimisation → routing →
 * reservation → resilience → dispatch (adapter, metered per attempt).
 * Stages arrive with later issues; each slots in here and nowhere else.
 */
export function composeGatewayPipeline(parts: GatewayPipelineParts): ModelCall {
  const stages: Stage[] = [];
  if (parts.limits !== undefined) stages.push(parts.limits);
  if (parts.cache !== undefined) stages.push(parts.cache);
  if (parts.promptCache !== undefined) stages.push(parts.promptCache);
  return composeStages(stages, parts.dispatch);
}

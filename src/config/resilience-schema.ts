import { z } from 'zod';
import { integerField, nonEmptyText, referenceField, strictMapping } from './config-fields.js';

// Resilience settings: defaults under `resilience:`, per-model overrides and fallbacks under each model.

const durationMs = (name: string, example: number) => integerField({ minimum: 1, fix: `write milliseconds, e.g. ${name}: ${example}` });

export const retrySchema = strictMapping(
  {
    max_attempts: integerField({ minimum: 1, maximum: 20, fix: 'write the total attempts per model including the first, e.g. max_attempts: 3' }).optional(),
    budget_ms: durationMs('budget_ms', 10_000).optional(),
    base_delay_ms: durationMs('base_delay_ms', 200).optional(),
    max_delay_ms: durationMs('max_delay_ms', 5_000).optional(),
  },
  'write retry: { max_attempts: 3, budget_ms: 10000, base_delay_ms: 200, max_delay_ms: 5000 }',
).transform((retry) => ({
  maxAttempts: retry.max_attempts,
  budgetMs: retry.budget_ms,
  baseDelayMs: retry.base_delay_ms,
  maxDelayMs: retry.max_delay_ms,
}));

export const timeoutsSchema = strictMapping(
  {
    ttft_ms: durationMs('ttft_ms', 10_000).optional(),
    idle_ms: durationMs('idle_ms', 30_000).optional(),
    total_ms: durationMs('total_ms', 600_000).optional(),
  },
  'write timeouts: { ttft_ms: 10000, idle_ms: 30000, total_ms: 600000 } (connect timeouts: timeout_ms on the provider)',
).transform((timeouts) => ({ ttftMs: timeouts.ttft_ms, idleMs: timeouts.idle_ms, totalMs: timeouts.total_ms }));

export const circuitBreakerSchema = strictMapping(
  {
    window_ms: durationMs('window_ms', 30_000).optional(),
    minimum_requests: integerField({ minimum: 1, fix: 'write how many requests the window needs before it can open, e.g. minimum_requests: 20' }).optional(),
    error_ratio: z.number({ error: 'write a ratio between 0 and 1, e.g. error_ratio: 0.5' }).gt(0).max(1).optional(),
    consecutive_connect_errors: integerField({ minimum: 1, fix: 'write a count, e.g. consecutive_connect_errors: 5' }).optional(),
    cooldown_ms: durationMs('cooldown_ms', 30_000).optional(),
  },
  'write circuit_breaker: { window_ms: 30000, minimum_requests: 20, error_ratio: 0.5, consecutive_connect_errors: 5, cooldown_ms: 30000 }',
).transform((breaker) => ({
  windowMs: breaker.window_ms,
  minimumRequests: breaker.minimum_requests,
  errorRatio: breaker.error_ratio,
  consecutiveConnectErrors: breaker.consecutive_connect_errors,
  cooldownMs: breaker.cooldown_ms,
}));

const faqEntrySchema = strictMapping(
  {
    id: nonEmptyText('write an id for the answer, e.g. id: reset-password'),
    keywords: z.array(nonEmptyText('write a keyword or phrase'), { error: 'write a list of keywords, e.g. keywords: [reset, password]' }).min(1),
    answer: nonEmptyText('write the answer text users get when every provider is down'),
  },
  'write { id: reset-password, keywords: [reset, password], answer: "…" }',
);

export const resilienceSchema = strictMapping(
  {
    retry: retrySchema.optional(),
    timeouts: timeoutsSchema.optional(),
    circuit_breaker: circuitBreakerSchema.optional(),
    faq: z.array(faqEntrySchema, { error: 'write a list of FAQ answers, e.g. faq: [ { id: …, keywords: […], answer: … } ]' }).optional(),
  },
  'write resilience: { retry: {…}, timeouts: {…}, circuit_breaker: {…}, faq: […] }, or leave it out',
)
  .transform((resilience) => ({
    retry: resilience.retry ?? { maxAttempts: undefined, budgetMs: undefined, baseDelayMs: undefined, maxDelayMs: undefined },
    timeouts: resilience.timeouts ?? { ttftMs: undefined, idleMs: undefined, totalMs: undefined },
    circuitBreaker: resilience.circuit_breaker ?? {
      windowMs: undefined,
      minimumRequests: undefined,
      errorRatio: undefined,
      consecutiveConnectErrors: undefined,
      cooldownMs: undefined,
    },
    faq: resilience.faq ?? [],
  }))
  .prefault({});

export const loadBalancingSchema = strictMapping(
  {
    strategy: z.enum(['weighted', 'least-busy', 'least-latency', 'lowest-cost'], {
      error: 'write one of weighted, least-busy, least-latency, lowest-cost',
    }),
    sticky: strictMapping(
      {
        by: z.enum(['session', 'prefix'], { error: 'write by: session (x-tollgate-session header) or by: prefix (prompt-prefix hash)' }),
        ttl_ms: durationMs('ttl_ms', 300_000).optional(),
      },
      'write sticky: { by: prefix, ttl_ms: 300000 }',
    ).optional(),
  },
  'write load_balancing: { strategy: least-latency, sticky: { by: prefix, ttl_ms: 300000 } }',
).transform((balancing) => ({
  strategy: balancing.strategy,
  sticky: balancing.sticky === undefined ? undefined : { by: balancing.sticky.by, ttlMs: balancing.sticky.ttl_ms ?? 300_000 },
}));

/** Model-level resilience keys, merged into each model's mapping. */
export function modelResilienceFields(modelNames: readonly string[]) {
  const modelReference = referenceField('model', 'models', modelNames);
  return {
    fallbacks: z.array(modelReference, { error: 'write a list of model names, e.g. fallbacks: [gpt-4o-mini]' }).optional(),
    context_window_fallback: modelReference.optional(),
    content_policy_fallback: modelReference.optional(),
    degrade_to: modelReference.optional(),
    load_balancing: loadBalancingSchema.optional(),
    timeouts: timeoutsSchema.optional(),
    retry: retrySchema.optional(),
  };
}

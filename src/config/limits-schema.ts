import { z } from 'zod';
import { httpUrlField, integerField, strictMapping } from './config-fields.js';

// Budgets and rate limits: `budgets:` and `rate_limits:` lists at the top level, the same item
// shapes (without `scope`) on a virtual key, and `limits:` for the settings they share.

export const scopeKinds = ['org', 'team', 'user', 'key', 'feature', 'provider', 'model'] as const;
export type LimitScopeKind = (typeof scopeKinds)[number];

/** `id: '*'` means "each": one budget per distinct value (per user, per key, …). */
export interface LimitScope {
  readonly kind: LimitScopeKind;
  readonly id: string;
}

const SCOPE_FIX = `write exactly one of ${scopeKinds.join(', ')}, e.g. scope: { team: search }, or scope: { user: '*' } for a budget per user`;

const scopeSchema = z
  .record(z.string(), z.string({ error: 'write the scope value as text, or "*" for each' }).min(1), { error: SCOPE_FIX })
  .superRefine((scope, context) => {
    const keys = Object.keys(scope);
    if (keys.length !== 1 || !scopeKinds.includes(keys[0] as LimitScopeKind)) context.addIssue({ code: 'custom', message: `got ${keys.join(', ') || 'nothing'}; ${SCOPE_FIX}` });
  })
  .transform((scope): LimitScope => {
    const [kind, id] = Object.entries(scope)[0] as [LimitScopeKind, string];
    return { kind, id };
  });

const windowSchema = z
  .union(
    [
      z.enum(['daily', 'monthly']),
      strictMapping(
        { rolling_hours: integerField({ minimum: 1, maximum: 8_784, fix: 'write whole hours from 1 to 8784, e.g. rolling_hours: 6' }) },
        'write window: daily, window: monthly, or window: { rolling_hours: 6 }',
      ),
    ],
    { error: 'write window: daily, window: monthly, or window: { rolling_hours: 6 }' },
  )
  .transform((window) => (typeof window === 'string' ? { kind: window } : { kind: 'rolling' as const, hours: window.rolling_hours }));

const failurePolicy = z.enum(['fail-closed', 'fail-open'], { error: 'write fail-closed (503 while the store is down) or fail-open (admit, and say so in a metric and the log)' });

const budgetFields = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, { error: 'write an id of letters, digits, "-", "_", ".", ":"' }).optional(),
  limit_usd: z.number({ error: 'write a positive amount in USD, e.g. limit_usd: 5' }).positive().max(1_000_000_000).optional(),
  limit_tokens: integerField({ minimum: 1, fix: 'write a whole number of tokens, e.g. limit_tokens: 2000000' }).optional(),
  window: windowSchema,
  alert_at: z
    .array(z.number({ error: 'write fractions of the limit, e.g. alert_at: [0.5, 0.8, 1]' }).positive().max(10), { error: 'write fractions of the limit, e.g. alert_at: [0.5, 0.8, 1]' })
    .optional(),
  on_exceed: z.enum(['reject', 'degrade'], { error: 'write reject (429) or degrade (route to the model\'s cheaper tiers, see budget_tiers)' }).default('reject'),
  on_store_failure: failurePolicy.optional(),
};

function normaliseBudget(budget: z.output<z.ZodObject<typeof budgetFields>>, scope: LimitScope, index: number) {
  const unit = budget.limit_usd !== undefined ? ('nanos' as const) : ('tokens' as const);
  const window = budget.window as { kind: 'daily' | 'monthly' } | { kind: 'rolling'; hours: number };
  const windowName = window.kind === 'rolling' ? `${window.hours}h` : window.kind;
  return {
    id: budget.id ?? `${scope.kind}-${scope.id === '*' ? 'each' : scope.id}-${windowName}-${unit === 'nanos' ? 'usd' : 'tokens'}-${index + 1}`,
    scope,
    unit,
    // USD to integer nano-dollars, rounded to the nearest nano so 0.1 + 0.2 style inputs stay exact.
    limit: budget.limit_usd !== undefined ? Math.round(budget.limit_usd * 1e9) : (budget.limit_tokens as number),
    window,
    softThresholds: budget.alert_at,
    onExceed: budget.on_exceed,
    onStoreFailure: budget.on_store_failure,
  };
}

function requireOneLimit(budget: { readonly limit_usd?: number | undefined; readonly limit_tokens?: number | undefined }, context: z.RefinementCtx): void {
  if ((budget.limit_usd === undefined) === (budget.limit_tokens === undefined)) {
    context.addIssue({ code: 'custom', message: 'write exactly one of limit_usd (e.g. limit_usd: 5) or limit_tokens (e.g. limit_tokens: 2000000); use two budgets for both' });
  }
}

const BUDGET_FIX = 'write a budget like { scope: { team: search }, limit_usd: 5, window: daily }';

const budgetSchema = strictMapping({ scope: scopeSchema, ...budgetFields }, BUDGET_FIX).superRefine(requireOneLimit);

/** A budget written on a virtual key: the key is its scope. */
export const keyBudgetSchema = strictMapping(budgetFields, 'write a budget like { limit_usd: 5, window: daily }').superRefine(requireOneLimit);

const rateLimitFields = {
  requests_per_minute: integerField({ minimum: 1, fix: 'write a whole number, e.g. requests_per_minute: 60' }).optional(),
  tokens_per_minute: integerField({ minimum: 1, fix: 'write a whole number, e.g. tokens_per_minute: 100000' }).optional(),
  requests_per_day: integerField({ minimum: 1, fix: 'write a whole number, e.g. requests_per_day: 10000' }).optional(),
  tokens_per_day: integerField({ minimum: 1, fix: 'write a whole number, e.g. tokens_per_day: 5000000' }).optional(),
  on_store_failure: failurePolicy.optional(),
};

function requireOneRate(limit: Partial<Record<keyof typeof rateLimitFields, unknown>>, context: z.RefinementCtx): void {
  const rates = ['requests_per_minute', 'tokens_per_minute', 'requests_per_day', 'tokens_per_day'] as const;
  if (rates.every((rate) => limit[rate] === undefined)) context.addIssue({ code: 'custom', message: `write at least one of ${rates.join(', ')}` });
}

const rateLimitSchema = strictMapping({ scope: scopeSchema, ...rateLimitFields }, 'write a rate limit like { scope: { key: "*" }, requests_per_minute: 60 }').superRefine(requireOneRate);

/** Rate limits written on a virtual key: one mapping, the key is its scope. */
export const keyRateLimitsSchema = strictMapping(rateLimitFields, 'write rate limits like { requests_per_minute: 60, tokens_per_minute: 100000 }').superRefine(requireOneRate);

function normaliseRateLimit(limit: z.output<typeof keyRateLimitsSchema>, scope: LimitScope) {
  return {
    scope,
    requestsPerMinute: limit.requests_per_minute,
    tokensPerMinute: limit.tokens_per_minute,
    requestsPerDay: limit.requests_per_day,
    tokensPerDay: limit.tokens_per_day,
    onStoreFailure: limit.on_store_failure,
  };
}

export const budgetsSchema = z
  .array(budgetSchema, { error: `write a list of budgets, e.g. budgets: [ ${BUDGET_FIX.replace('write a budget like ', '')} ]` })
  .transform((budgets) => budgets.map((budget, index) => normaliseBudget(budget, budget.scope, index)))
  .superRefine((budgets, context) => {
    const seen = new Set<string>();
    budgets.forEach((budget, index) => {
      if (seen.has(budget.id)) context.addIssue({ code: 'custom', path: [index, 'id'], message: `budget id "${budget.id}" is used twice; give one of them another id: ${budget.id}-2` });
      seen.add(budget.id);
    });
  })
  .prefault([]);

export const rateLimitsSchema = z
  .array(rateLimitSchema, { error: 'write a list of rate limits, e.g. rate_limits: [ { scope: { key: "*" }, requests_per_minute: 60 } ]' })
  .transform((limits) => limits.map((limit) => normaliseRateLimit(limit, limit.scope)))
  .prefault([]);

/** Settings shared by budgets and rate limits. */
export const limitsSchema = strictMapping(
  {
    default_max_tokens: integerField({ minimum: 1, fix: 'write the output tokens to reserve when a request gives no max_tokens, e.g. default_max_tokens: 4096' }).default(4_096),
    reservation_ttl_ms: integerField({ minimum: 1_000, fix: 'write milliseconds, e.g. reservation_ttl_ms: 600000' }).default(600_000),
    on_store_failure: failurePolicy.default('fail-closed'),
    alert_webhook: httpUrlField.optional(),
    alert_webhook_timeout_ms: integerField({ minimum: 1, fix: 'write milliseconds, e.g. alert_webhook_timeout_ms: 5000' }).default(5_000),
  },
  'write limits: { default_max_tokens: 4096, on_store_failure: fail-closed, alert_webhook: https://hooks.slack.com/services/… }, or leave limits out',
)
  .transform((limits) => ({
    defaultMaxTokens: limits.default_max_tokens,
    reservationTtlMs: limits.reservation_ttl_ms,
    onStoreFailure: limits.on_store_failure,
    alertWebhook: limits.alert_webhook,
    alertWebhookTimeoutMs: limits.alert_webhook_timeout_ms,
  }))
  .prefault({});

/** A virtual key's own budgets and rate limits, as written to the admin API or `tollgate keys create`. */
export const keyLimitsSchema = strictMapping(
  {
    budgets: z.array(keyBudgetSchema, { error: 'write a list of budgets, e.g. budgets: [ { limit_usd: 5, window: daily } ]' }).optional(),
    rate_limits: keyRateLimitsSchema.optional(),
  },
  'write { budgets: [ { limit_usd: 5, window: daily } ], rate_limits: { requests_per_minute: 60 } }',
);

export type BudgetConfig = z.output<typeof budgetsSchema>[number];
export type RateLimitConfig = z.output<typeof rateLimitsSchema>[number];
export type LimitsConfig = z.output<typeof limitsSchema>;

/** Normalises a key's stored budgets (the snake_case JSON given at creation) with the key as scope. */
export function keyBudgetsOf(keyId: string, budgets: readonly z.output<typeof keyBudgetSchema>[]): BudgetConfig[] {
  const scope: LimitScope = { kind: 'key', id: keyId };
  return budgets.map((budget, index) => ({ ...normaliseBudget(budget, scope, index), id: budget.id ?? `${keyId}-budget-${index + 1}` }));
}

export function keyRateLimitOf(keyId: string, limit: z.output<typeof keyRateLimitsSchema>): RateLimitConfig {
  return normaliseRateLimit(limit, { kind: 'key', id: keyId });
}

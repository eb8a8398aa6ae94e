import type { RequestContext } from '../../core/request-context.js';
import type { BudgetDefinition, BudgetScope, BudgetScopeKind } from './budget-types.js';

/** What to do when the counter store cannot be reached: refuse (503) or admit unmetered (logged, counted). */
export type StoreFailurePolicy = 'fail-closed' | 'fail-open';

/**
 * A configured budget. A scope id of `*` means "each": one budget per distinct value, so
 * `{ kind: 'user', id: '*' }` gives every user their own limit.
 */
export interface BudgetRule extends BudgetDefinition {
  /** `reject` answers 429; `degrade` routes to the model's cheaper `budget_tiers` first. */
  readonly onExceed: 'reject' | 'degrade';
  readonly onStoreFailure: StoreFailurePolicy | undefined;
}

export interface RateLimitRule {
  readonly scope: BudgetScope;
  readonly requestsPerMinute: number | undefined;
  readonly tokensPerMinute: number | undefined;
  readonly requestsPerDay: number | undefined;
  readonly tokensPerDay: number | undefined;
  readonly onStoreFailure: StoreFailurePolicy | undefined;
}

/** The budgets and rate limits a virtual key carries itself. */
export interface CallerLimits {
  readonly budgets: readonly BudgetRule[];
  readonly rateLimits: readonly RateLimitRule[];
}

/** A rate limit turned into a counted budget, with the header family it reports under. */
export interface RateBudget extends BudgetDefinition {
  readonly family: 'requests' | 'tokens';
  readonly onStoreFailure: StoreFailurePolicy | undefined;
}

/** The scope values a request has: its owner, key, feature, model and the providers that may serve it. */
export function requestScopes(context: RequestContext, model: string, providers: readonly string[]): BudgetScope[] {
  const { tags } = context;
  const scopes: BudgetScope[] = [{ kind: 'model', id: model }];
  const owned: Array<[BudgetScopeKind, string | undefined]> = [
    ['org', tags.org],
    ['team', tags.team],
    ['user', tags.user],
    ['key', tags.virtualKeyId],
    ['feature', tags.feature],
  ];
  for (const [kind, id] of owned) if (id !== undefined && id !== '') scopes.push({ kind, id });
  for (const provider of providers) scopes.push({ kind: 'provider', id: provider });
  return scopes;
}

/** The concrete scope a rule applies to for this request, or `undefined` when it does not apply. */
function matchedScope(ruleScope: BudgetScope, scopes: readonly BudgetScope[]): BudgetScope | undefined {
  for (const scope of scopes) {
    if (scope.kind !== ruleScope.kind) continue;
    if (ruleScope.id === '*' || ruleScope.id === scope.id) return scope;
  }
  return undefined;
}

/** The budgets that apply to a request, with `*` rules made concrete (`<id>:<value>`). */
export function applicableBudgets(rules: readonly BudgetRule[], scopes: readonly BudgetScope[]): BudgetRule[] {
  const applicable: BudgetRule[] = [];
  for (const rule of rules) {
    const scope = matchedScope(rule.scope, scopes);
    if (scope === undefined) continue;
    applicable.push(rule.scope.id === '*' ? { ...rule, id: `${rule.id}:${scope.id}`, scope } : rule);
  }
  return applicable;
}

/** The rate limits that apply to a request, each rate as its own minute or daily budget. */
export function applicableRateBudgets(rules: readonly RateLimitRule[], scopes: readonly BudgetScope[]): RateBudget[] {
  const budgets: RateBudget[] = [];
  for (const rule of rules) {
    const scope = matchedScope(rule.scope, scopes);
    if (scope === undefined) continue;
    const base = `rate:${scope.kind}:${scope.id}`;
    const rates: Array<[number | undefined, 'requests' | 'tokens', 'minute' | 'daily']> = [
      [rule.requestsPerMinute, 'requests', 'minute'],
      [rule.tokensPerMinute, 'tokens', 'minute'],
      [rule.requestsPerDay, 'requests', 'daily'],
      [rule.tokensPerDay, 'tokens', 'daily'],
    ];
    for (const [limit, family, window] of rates) {
      if (limit === undefined) continue;
      budgets.push({
        id: `${base}:${family}-per-${window === 'minute' ? 'minute' : 'day'}`,
        scope,
        unit: family,
        limit,
        window: { kind: window },
        softThresholds: [],
        family,
        onStoreFailure: rule.onStoreFailure,
      });
    }
  }
  return budgets;
}

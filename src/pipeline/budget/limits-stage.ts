import type { ChatRequestBody } from '../../core/chat-request.js';
import type { Clock } from '../../core/clock.js';
import { TollgateError, toTollgateError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ModelCall, ModelRequest, ModelStream } from '../../core/model-call.js';
import { formatUsd } from '../../core/money.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { BudgetEngine } from './budget-engine.js';
import type { BudgetAmounts, BudgetDefinition } from './budget-types.js';
import {
  applicableBudgets,
  applicableRateBudgets,
  requestScopes,
  type BudgetRule,
  type CallerLimits,
  type RateBudget,
  type RateLimitRule,
  type StoreFailurePolicy,
} from './limit-rules.js';

/** What the stage needs to know about a logical model. */
export interface LimitedModel {
  /** Provider ids of the model's deployments and fallbacks, for provider-scoped budgets. */
  readonly providers: readonly string[];
  /** Cheaper models to serve from as a degrading budget fills, ascending by `at`. */
  readonly budgetTiers: ReadonlyArray<{ readonly at: number; readonly model: string }>;
}

export interface LimitsStageOptions {
  readonly engine: BudgetEngine;
  readonly budgets: readonly BudgetRule[];
  readonly rateLimits: readonly RateLimitRule[];
  /** A virtual key's own budgets and rate limits, by key id. */
  readonly callerLimits: (virtualKeyId: string) => CallerLimits | undefined;
  readonly models: ReadonlyMap<string, LimitedModel>;
  /**
   * The most a call to `model` can cost with these token counts, in nano-dollars, over every
   * deployment and fallback that may serve it; `undefined` when one of them has no known price.
   */
  readonly priceCeiling: (model: string, inputTokens: number, outputTokens: number) => number | undefined;
  /** A cheap upper bound on the input tokens, used for every reservation first. */
  readonly countInputTokens: (body: ChatRequestBody) => number;
  /**
   * The exact count, used only when a reservation made with the bound is refused (so a request
   * near a limit is judged on its real size, and every other request skips the tokeniser).
   */
  readonly exactInputTokens?: (body: ChatRequestBody) => number;
  /** Output tokens reserved when a request sets no `max_tokens`. */
  readonly defaultMaxTokens: number;
  readonly onStoreFailure: StoreFailurePolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Counts admissions made without metering because the store was down and the policy is fail-open. */
  readonly onFailOpen?: (scope: 'budget' | 'rate-limit') => void;
}

interface Admission {
  readonly request: ModelRequest;
  readonly settle: () => Promise<void>;
}

const NO_AMOUNTS: BudgetAmounts = { nanos: 0, tokens: 0, requests: 0 };

/**
 * Rate limits, then budgets, before the call; settled to the actual cost after it. Reserve →
 * call → settle: each request holds an upper bound (counted input tokens + `max_tokens`, × the
 * dearest price that may serve it) on every applicable budget at once, so concurrent requests
 * can never overrun a limit; the reservation becomes the cost of every attempt made, or is
 * returned when nothing was spent. A request no budget or rate limit applies to passes untouched.
 */
export function limitsStage(options: LimitsStageOptions) {
  const { engine, clock, logger } = options;

  return function limitedCall(next: ModelCall): ModelCall {
    return {
      async generate(request) {
        const admission = await admit(request);
        if (admission === undefined) return next.generate(request);
        try {
          return await next.generate(admission.request);
        } finally {
          await admission.settle();
        }
      },

      async stream(request) {
        const admission = await admit(request);
        if (admission === undefined) return next.stream(request);
        let upstream: ModelStream;
        try {
          upstream = await next.stream(admission.request);
        } catch (error) {
          await admission.settle();
          throw error;
        }
        return { wireFormat: upstream.wireFormat, [Symbol.asyncIterator]: () => settledAfter(upstream, admission) };
      },
    };
  };

  async function* settledAfter(upstream: ModelStream, admission: Admission): AsyncGenerator<StreamPart> {
    try {
      yield* upstream;
    } finally {
      await admission.settle();
    }
  }

  async function admit(request: ModelRequest): Promise<Admission | undefined> {
    const { context, body } = request;
    const model = options.models.get(body.model);
    if (model === undefined) return undefined;
    const caller = context.tags.virtualKeyId === undefined ? undefined : options.callerLimits(context.tags.virtualKeyId);
    const scopes = requestScopes(context, body.model, model.providers);
    const rateBudgets = applicableRateBudgets(caller === undefined ? options.rateLimits : [...options.rateLimits, ...caller.rateLimits], scopes);
    const allBudgetRules = caller === undefined ? options.budgets : [...options.budgets, ...caller.budgets];
    let budgets = applicableBudgets(allBudgetRules, scopes);
    if (rateBudgets.length === 0 && budgets.length === 0) return undefined;

    const startAttempt = context.attempts.length;
    const countsMoney = budgets.some((budget) => budget.unit === 'nanos');
    const countsTokens = countsMoney || budgets.some((budget) => budget.unit === 'tokens') || rateBudgets.some((budget) => budget.unit === 'tokens');
    let inputTokens = countsTokens ? options.countInputTokens(body) : 0;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? options.defaultMaxTokens;
    let refined = !countsTokens || options.exactInputTokens === undefined;
    /** Replaces the bound with the exact count once; true when that made the request smaller. */
    const refine = (): boolean => {
      if (refined) return false;
      refined = true;
      const exact = (options.exactInputTokens as (body: ChatRequestBody) => number)(body);
      if (exact >= inputTokens) return false;
      inputTokens = exact;
      return true;
    };

    const rateId = `${context.requestId}:rate`;
    const rateHeld = rateBudgets.length > 0 && (await reserveRates(rateId, rateBudgets, () => inputTokens + maxTokens, refine, request));

    let target = body.model;
    let budgetHeld = false;
    try {
      if (budgets.length > 0) {
        target = await tierFor(body.model, model, budgets);
        for (;;) {
          budgets = target === body.model ? budgets : applicableBudgets(allBudgetRules, requestScopes(context, target, options.models.get(target)?.providers ?? []));
          const nanos = countsMoney ? options.priceCeiling(target, inputTokens, maxTokens) : 0;
          if (nanos === undefined) throw unpricedError(target, budgets);
          const outcome = await guarded('budget', budgets, () => engine.reserve(context.requestId, budgets, { nanos, tokens: inputTokens + maxTokens, requests: 1 }));
          if (outcome === 'fail-open') break;
          if (outcome.ok) {
            budgetHeld = true;
            break;
          }
          if (refine()) continue;
          const cheapest = model.budgetTiers[model.budgetTiers.length - 1]?.model;
          // The engine hands back the very definition it was given, here a rule.
          const rejecting = outcome.budget as BudgetRule;
          if (rejecting.onExceed === 'degrade' && cheapest !== undefined && target !== cheapest) {
            target = cheapest;
            continue;
          }
          throw budgetExceeded(outcome.budget, outcome.remaining, outcome.resetAt);
        }
      }
    } catch (error) {
      if (rateHeld) await quietly(() => engine.release(rateId));
      throw error;
    }

    let routed = request;
    if (target !== body.model) {
      context.warnings.push(`budget: served by ${target} instead of ${body.model} (budget tier)`);
      context.limitHeaders['x-tollgate-budget-tier'] = target;
      routed = { ...request, body: { ...body, model: target }, rawBody: undefined };
    }
    let settled = false;
    return {
      request: routed,
      settle: async () => {
        if (settled) return;
        settled = true;
        const actual = actualSince(context.attempts.slice(startAttempt));
        if (rateHeld) await quietly(() => engine.settle(rateId, { ...actual, requests: 1 }));
        if (budgetHeld) await quietly(() => engine.settle(context.requestId, { ...actual, requests: 1 }));
      },
    };
  }

  async function reserveRates(
    rateId: string,
    rateBudgets: readonly RateBudget[],
    tokenBound: () => number,
    refine: () => boolean,
    request: ModelRequest,
  ): Promise<boolean> {
    let outcome = await guarded('rate-limit', rateBudgets, () => engine.reserve(rateId, rateBudgets, { nanos: 0, tokens: tokenBound(), requests: 1 }));
    if (outcome !== 'fail-open' && !outcome.ok && outcome.budget.unit === 'tokens' && refine()) {
      outcome = await guarded('rate-limit', rateBudgets, () => engine.reserve(rateId, rateBudgets, { nanos: 0, tokens: tokenBound(), requests: 1 }));
    }
    if (outcome === 'fail-open') return false;
    if (!outcome.ok) {
      const rejected = rateBudgets.find((budget) => budget.id === outcome.budget.id) as RateBudget;
      await writeRateHeaders(rateBudgets, request);
      const waitMs = Math.max(0, outcome.resetAt - clock.now());
      throw new TollgateError({
        code: 'TG_ERR_RATE_LIMITED',
        message: `Rate limit reached: ${rejected.limit} ${rejected.family} per ${rejected.window.kind === 'minute' ? 'minute' : 'day'} for ${rejected.scope.kind} ${rejected.scope.id}. Retry after ${Math.ceil(waitMs / 1000)} s.`,
        retryAfterMs: Math.max(1_000, waitMs),
        details: { limit: rejected.limit, remaining: Math.max(0, outcome.remaining), reset_at: new Date(outcome.resetAt).toISOString(), scope: `${rejected.scope.kind}:${rejected.scope.id}` },
      });
    }
    await writeRateHeaders(rateBudgets, request);
    return true;
  }

  /** OpenAI-style `x-ratelimit-*` headers for the tightest requests and tokens limits. */
  async function writeRateHeaders(rateBudgets: readonly RateBudget[], request: ModelRequest): Promise<void> {
    const headers = request.context.limitHeaders;
    for (const family of ['requests', 'tokens'] as const) {
      const limits = rateBudgets.filter((budget) => budget.family === family);
      if (limits.length === 0) continue;
      const statuses = await quietly(() => Promise.all(limits.map((budget) => engine.status(budget, { sweep: false }))));
      if (statuses === undefined) continue;
      const tightest = statuses.reduce((left, right) => (right.remaining < left.remaining ? right : left));
      headers[`x-ratelimit-limit-${family}`] = String(tightest.limit);
      headers[`x-ratelimit-remaining-${family}`] = String(Math.max(0, tightest.remaining));
      headers[`x-ratelimit-reset-${family}`] = `${Math.max(0, Math.ceil((tightest.resetAt - clock.now()) / 1000))}s`;
    }
  }

  /** The model to serve from: the cheapest tier whose `at` the fullest degrading budget has reached. */
  async function tierFor(requested: string, model: LimitedModel, budgets: readonly BudgetRule[]): Promise<string> {
    const degrading = budgets.filter((budget) => budget.onExceed === 'degrade');
    if (degrading.length === 0 || model.budgetTiers.length === 0) return requested;
    const statuses = await quietly(() => Promise.all(degrading.map((budget) => engine.status(budget, { sweep: false }))));
    if (statuses === undefined) return requested;
    const used = Math.max(...statuses.map((status) => (status.spent + status.reserved) / status.limit));
    let target = requested;
    for (const tier of model.budgetTiers) if (used >= tier.at) target = tier.model;
    return target;
  }

  /** Runs a reservation, applying the store-failure policy when the store cannot be reached. */
  async function guarded<Result>(
    scope: 'budget' | 'rate-limit',
    budgets: ReadonlyArray<{ readonly onStoreFailure?: StoreFailurePolicy | undefined }>,
    reserve: () => Promise<Result>,
  ): Promise<Result | 'fail-open'> {
    try {
      return await reserve();
    } catch (error) {
      const failure = toTollgateError(error);
      if (failure.code !== 'TG_ERR_STORE_UNAVAILABLE') throw failure;
      const closed = budgets.some((budget) => (budget.onStoreFailure ?? options.onStoreFailure) === 'fail-closed');
      if (closed) throw failure;
      options.onFailOpen?.(scope);
      logger.warn('limit store unreachable; admitting without metering (fail-open)', { scope, error: failure.message });
      return 'fail-open';
    }
  }

  async function quietly<Result>(work: () => Promise<Result>): Promise<Result | undefined> {
    try {
      return await work();
    } catch (error) {
      logger.error('limit store call failed', { error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }
}

/** What the attempts made for this request cost: the same figures the ledger rows hold. */
function actualSince(attempts: ReadonlyArray<{ readonly costNanos: number | null; readonly totalTokens: number | null }>): BudgetAmounts {
  let nanos = 0;
  let tokens = 0;
  for (const attempt of attempts) {
    nanos += attempt.costNanos ?? 0;
    tokens += attempt.totalTokens ?? 0;
  }
  return { ...NO_AMOUNTS, nanos, tokens };
}

function budgetExceeded(budget: BudgetDefinition, remaining: number, resetAt: number): TollgateError {
  const left = Math.max(0, remaining);
  const amount = budget.unit === 'nanos' ? `$${formatUsd(left)} of $${formatUsd(budget.limit)}` : `${left} of ${budget.limit} tokens`;
  return new TollgateError({
    code: 'TG_ERR_BUDGET_EXCEEDED',
    message: `Budget ${budget.id} (${budget.scope.kind} ${budget.scope.id}) cannot cover this request: ${amount} remain until ${new Date(resetAt).toISOString()}. Lower max_tokens, or wait for the reset.`,
    details: {
      budget_id: budget.id,
      remaining: left,
      remaining_unit: budget.unit === 'nanos' ? 'nano_usd' : 'tokens',
      ...(budget.unit === 'nanos' ? { remaining_usd: formatUsd(left) } : {}),
      limit: budget.limit,
      reset_at: new Date(resetAt).toISOString(),
    },
  });
}

function unpricedError(model: string, budgets: readonly BudgetDefinition[]): TollgateError {
  const usd = budgets.find((budget) => budget.unit === 'nanos');
  return new TollgateError({
    code: 'TG_ERR_UNPRICED_MODEL',
    message: `The model "${model}" has no known price, so the USD budget ${usd?.id ?? ''} cannot bound it. Set a price for it under models.${model}.price, or call a priced model.`,
    param: 'model',
  });
}

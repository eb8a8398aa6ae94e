import type { Clock } from '../../core/clock.js';
import type { TollgateError } from '../../core/errors.js';
import type { LedgerEntry, LedgerStatus } from '../../core/ledger-entry.js';
import { usageToLedgerBuckets } from '../../core/ledger-entry.js';
import type { Deployment } from '../../core/model-call.js';
import type { CostCalculator } from '../../core/price.js';
import type { RequestContext } from '../../core/request-context.js';
import { unknownUsage, type MeasuredUsage } from '../../core/usage.js';
import type { LedgerSink } from './ledger-sink.js';
import { ESTIMATED_USAGE_MARKER } from './estimated-usage.js';

export interface MeteredDeployment extends Deployment {
  readonly pricingProviderId: string | undefined;
}

export interface AttemptRecorderOptions {
  readonly deployment: MeteredDeployment;
  readonly costCalculator: CostCalculator;
  readonly ledger: LedgerSink;
  readonly clock: Clock;
}

export interface AttemptOutcome {
  readonly measured: MeasuredUsage | undefined;
  /** The model the provider said answered (response `model`), if it said. */
  readonly reportedModel?: string | undefined;
  readonly error: TollgateError | undefined;
  readonly ttftMs: number | null;
  /** For an answer served from the response cache: what it was and what it saved. */
  readonly cache?: { readonly status: 'hit' | 'semantic-hit'; readonly similarity: number | null; readonly costAvoidedNanos: number };
}

/**
 * Settles one attempt: prices its usage, appends a summary to the request context and hands the
 * ledger row to the sink. Called exactly once per attempt.
 *
 * Cost rules: usage reported → priced (or `null` + flag + warning when the price is unknown);
 * an upstream HTTP error → 0 (providers do not bill rejected calls); an abort or a broken stream
 * without usage → `null` (tokens may have been consumed; the amount is unknown).
 */
export function settleAttempt(
  options: AttemptRecorderOptions,
  context: RequestContext,
  attempt: number,
  startedAt: number,
  startedAtMonotonic: number,
  outcome: AttemptOutcome,
): void {
  const { deployment, clock } = options;
  const latencyMs = clock.monotonic() - startedAtMonotonic;
  const usage = outcome.measured?.usage ?? unknownUsage;
  let costNanos: number | null = null;
  let priceUnknown = false;
  let priceSource: string | null = null;
  let promptCacheSavedNanos = 0;
  const warnings: string[] = [];
  if (outcome.measured !== undefined) {
    const cost = options.costCalculator.cost({
      providerId: deployment.providerId,
      pricingProviderId: deployment.pricingProviderId,
      model: deployment.upstreamModel,
      reportedModel: outcome.reportedModel,
      usage,
      at: startedAt,
    });
    const estimated = outcome.measured.providerUsage === ESTIMATED_USAGE_MARKER;
    if (estimated) warnings.push('usage estimated: the stream ended before the provider reported usage; billed for the prompt and the text streamed');
    if (cost.kind === 'priced') {
      costNanos = cost.nanos;
      priceSource = estimated ? `estimated:${cost.source}` : cost.source;
      promptCacheSavedNanos = promptCacheSaving(options, usage, outcome.reportedModel, startedAt, cost.nanos);
    } else {
      priceUnknown = true;
      warnings.push(`price unknown: ${cost.reason}`);
    }
  } else if (outcome.error !== undefined && outcome.error.upstream?.status !== undefined) {
    costNanos = 0;
    priceSource = 'not-billed';
  } else {
    warnings.push('usage unknown: the attempt ended before the provider reported usage');
  }
  context.warnings.push(...warnings);
  context.attempts.push({
    attempt,
    providerId: deployment.providerId,
    upstreamModel: deployment.upstreamModel,
    costNanos,
    upstreamLatencyMs: latencyMs,
    route: context.route,
    totalTokens: totalTokensOf(usage),
  });
  const error = outcome.error;
  const status: LedgerStatus = error === undefined ? 'ok' : error.code === 'TG_ERR_CLIENT_ABORTED' ? 'aborted' : 'error';
  const tags = context.tags;
  const entry: LedgerEntry = {
    requestId: context.requestId,
    attempt,
    timestamp: startedAt,
    virtualKeyId: tags.virtualKeyId ?? null,
    org: tags.org ?? null,
    team: tags.team ?? null,
    user: tags.user ?? null,
    feature: tags.feature ?? null,
    endpoint: tags.endpoint,
    logicalModel: context.logicalModel,
    providerId: deployment.providerId,
    upstreamModel: deployment.upstreamModel,
    stream: context.stream,
    ...usageToLedgerBuckets(usage),
    providerUsage: outcome.measured?.providerUsage === undefined ? null : JSON.stringify(outcome.measured.providerUsage),
    costNanos,
    priceUnknown,
    priceSource,
    costAvoidedNanos: outcome.cache?.costAvoidedNanos ?? promptCacheSavedNanos,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    ttftMs: outcome.ttftMs,
    status,
    httpStatus: error === undefined ? 200 : error.upstream?.status ?? null,
    errorCode: error?.code ?? null,
    cacheStatus: outcome.cache?.status ?? (context.cacheOutcome === 'none' ? null : context.cacheOutcome),
    cacheSimilarity: outcome.cache?.similarity ?? null,
    route: context.route,
    routeReason: context.routeReason,
    // Every warning the request has gathered so far (adapters add theirs before the attempt settles).
    warnings: context.warnings.length === 0 ? null : [...new Set(context.warnings)].join('; '),
  };
  options.ledger.enqueue(entry);
}

function totalTokensOf(usage: MeasuredUsage['usage']): number | null {
  const buckets = [usage.inputTokens, usage.cacheReadTokens, usage.cacheWrite5mTokens, usage.cacheWrite1hTokens, usage.outputTokens, usage.reasoningTokens];
  if (buckets.every((bucket) => bucket === undefined)) return null;
  return buckets.reduce<number>((total, bucket) => total + (bucket ?? 0), 0);
}

/**
 * What provider prompt caching saved on an attempt: the cost had its cache-read tokens been
 * billed as fresh input, minus what was billed. Zero without cache reads or a price for them.
 */
function promptCacheSaving(options: AttemptRecorderOptions, usage: MeasuredUsage['usage'], reportedModel: string | undefined, at: number, billed: number): number {
  const cacheRead = usage.cacheReadTokens ?? 0;
  if (cacheRead === 0) return 0;
  const { deployment } = options;
  const uncached = options.costCalculator.cost({
    providerId: deployment.providerId,
    pricingProviderId: deployment.pricingProviderId,
    model: deployment.upstreamModel,
    reportedModel,
    usage: { ...usage, inputTokens: (usage.inputTokens ?? 0) + cacheRead, cacheReadTokens: 0 },
    at,
  });
  return uncached.kind === 'priced' ? Math.max(0, uncached.nanos - billed) : 0;
}

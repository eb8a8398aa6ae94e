import type { LedgerEntry } from '../../core/ledger-entry.js';
import type { ResolvedReportQuery } from '../ledger-query.js';
import type { LedgerReport, ReportGroup, ReportRequest, ReportTotals } from '../ledger-store.js';

/**
 * Computes a ledger report over rows in memory, with the same rules as the SQL report:
 * groups by cost descending then key ascending (`null` first), days ascending, `top` per list.
 * Throws `RangeError` when a sum leaves the exactly representable integer range.
 */
export function computeLedgerReport(entries: Iterable<LedgerEntry>, query: ResolvedReportQuery): LedgerReport {
  const totals = new TotalsAccumulator();
  const byDay = new Map<string, TotalsAccumulator>();
  const byModel = new Map<string, TotalsAccumulator>();
  const byUser = new Map<string | null, TotalsAccumulator>();
  const byFeature = new Map<string | null, TotalsAccumulator>();
  const byRequest = new Map<string, RequestAccumulator>();
  for (const entry of entries) {
    if (query.since !== null && entry.timestamp < query.since) continue;
    if (query.until !== null && entry.timestamp >= query.until) continue;
    totals.add(entry);
    groupFor(byDay, utcDay(entry.timestamp)).add(entry);
    groupFor(byModel, entry.logicalModel).add(entry);
    groupFor(byUser, entry.user).add(entry);
    groupFor(byFeature, entry.feature).add(entry);
    const request = byRequest.get(entry.requestId);
    if (request) request.add(entry);
    else byRequest.set(entry.requestId, new RequestAccumulator(entry));
  }
  return {
    since: query.since,
    until: query.until,
    totals: totals.toTotals(),
    byDay: toGroups(byDay).sort((left, right) => compareKeys(left.key, right.key)),
    byModel: topGroups(byModel, query.top),
    byUser: topGroups(byUser, query.top),
    byFeature: topGroups(byFeature, query.top),
    topRequests: [...byRequest.values()]
      .map((request) => request.toRequest())
      .sort((left, right) => right.costNanos - left.costNanos || compareKeys(left.requestId, right.requestId))
      .slice(0, query.top),
  };
}

/** `YYYY-MM-DD` of a ms timestamp, in UTC. */
export function utcDay(timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

class TotalsAccumulator {
  private readonly requestIds = new Set<string>();
  private attempts = 0;
  private errors = 0;
  private inputTokens = 0;
  private cacheReadTokens = 0;
  private cacheWriteTokens = 0;
  private outputTokens = 0;
  private reasoningTokens = 0;
  private costNanos = 0;
  private unpricedAttempts = 0;
  private costAvoidedNanos = 0;
  private savedByExactCacheNanos = 0;
  private savedBySemanticCacheNanos = 0;
  private savedByPromptCacheNanos = 0;

  add(entry: LedgerEntry): void {
    this.requestIds.add(entry.requestId);
    this.attempts += 1;
    if (entry.status !== 'ok') this.errors += 1;
    this.inputTokens += entry.inputTokens ?? 0;
    this.cacheReadTokens += entry.cacheReadTokens ?? 0;
    this.cacheWriteTokens += (entry.cacheWrite5mTokens ?? 0) + (entry.cacheWrite1hTokens ?? 0);
    this.outputTokens += entry.outputTokens ?? 0;
    this.reasoningTokens += entry.reasoningTokens ?? 0;
    if (entry.costNanos === null) this.unpricedAttempts += 1;
    else this.costNanos += entry.costNanos;
    this.costAvoidedNanos += entry.costAvoidedNanos;
    if (entry.cacheStatus === 'hit') this.savedByExactCacheNanos += entry.costAvoidedNanos;
    else if (entry.cacheStatus === 'semantic-hit') this.savedBySemanticCacheNanos += entry.costAvoidedNanos;
    else this.savedByPromptCacheNanos += entry.costAvoidedNanos;
  }

  toTotals(): ReportTotals {
    return {
      requests: this.requestIds.size,
      attempts: this.attempts,
      errors: this.errors,
      inputTokens: exact('inputTokens', this.inputTokens),
      cacheReadTokens: exact('cacheReadTokens', this.cacheReadTokens),
      cacheWriteTokens: exact('cacheWriteTokens', this.cacheWriteTokens),
      outputTokens: exact('outputTokens', this.outputTokens),
      reasoningTokens: exact('reasoningTokens', this.reasoningTokens),
      costNanos: exact('costNanos', this.costNanos),
      unpricedAttempts: this.unpricedAttempts,
      costAvoidedNanos: exact('costAvoidedNanos', this.costAvoidedNanos),
      savedByExactCacheNanos: exact('savedByExactCacheNanos', this.savedByExactCacheNanos),
      savedBySemanticCacheNanos: exact('savedBySemanticCacheNanos', this.savedBySemanticCacheNanos),
      savedByPromptCacheNanos: exact('savedByPromptCacheNanos', this.savedByPromptCacheNanos),
    };
  }
}

/** Sums one request's attempts; model and tags come from its earliest attempt. */
class RequestAccumulator {
  private first: LedgerEntry;
  private timestamp: number;
  private attempts = 0;
  private inputTokens = 0;
  private outputTokens = 0;
  private costNanos = 0;

  constructor(entry: LedgerEntry) {
    this.first = entry;
    this.timestamp = entry.timestamp;
    this.add(entry);
  }

  add(entry: LedgerEntry): void {
    if (entry.attempt < this.first.attempt) this.first = entry;
    this.timestamp = Math.min(this.timestamp, entry.timestamp);
    this.attempts += 1;
    this.inputTokens += entry.inputTokens ?? 0;
    this.outputTokens += entry.outputTokens ?? 0;
    this.costNanos += entry.costNanos ?? 0;
  }

  toRequest(): ReportRequest {
    return {
      requestId: this.first.requestId,
      timestamp: this.timestamp,
      logicalModel: this.first.logicalModel,
      user: this.first.user,
      feature: this.first.feature,
      attempts: this.attempts,
      inputTokens: exact('inputTokens', this.inputTokens),
      outputTokens: exact('outputTokens', this.outputTokens),
      costNanos: exact('costNanos', this.costNanos),
    };
  }
}

function groupFor<Key extends string | null>(groups: Map<Key, TotalsAccumulator>, key: Key): TotalsAccumulator {
  let group = groups.get(key);
  if (!group) {
    group = new TotalsAccumulator();
    groups.set(key, group);
  }
  return group;
}

function toGroups(groups: Map<string | null, TotalsAccumulator>): ReportGroup[] {
  return [...groups].map(([key, group]) => ({ key, ...group.toTotals() }));
}

function topGroups(groups: Map<string | null, TotalsAccumulator>, top: number): ReportGroup[] {
  return toGroups(groups)
    .sort((left, right) => right.costNanos - left.costNanos || compareKeys(left.key, right.key))
    .slice(0, top);
}

/** Ascending, `null` first (as SQL `ASC NULLS FIRST`). */
function compareKeys(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}

function exact(name: string, sum: number): number {
  if (!Number.isSafeInteger(sum)) throw new RangeError(`report sum ${name} is beyond 2^53 and cannot be returned exactly`);
  return sum;
}

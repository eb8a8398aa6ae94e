import type { LedgerEntry } from '../core/ledger-entry.js';
import type { LedgerEvent } from '../core/ledger-event.js';

/**
 * Where ledger rows and events live. Every implementation passes `ledger-store.contract.ts`.
 * `append` is idempotent on (requestId, attempt): a row appended twice is stored once.
 * Events (`LedgerEvent`, e.g. budget alerts) are kept apart from rows and never reach a report.
 */
export interface LedgerStore {
  append(entries: readonly LedgerEntry[]): Promise<void>;
  /** Rows ordered by (timestamp, requestId, attempt). */
  list(query: LedgerListQuery): Promise<LedgerEntry[]>;
  report(query: ReportQuery): Promise<LedgerReport>;
  /**
   * Stores events, idempotent on `id`: the first write of an id wins, later ones (even with
   * other details) are dropped without an error. A batch with an invalid event throws a
   * `RangeError` and stores none of it.
   */
  appendEvents(events: readonly LedgerEvent[]): Promise<void>;
  /**
   * Events ordered by (timestamp, id), oldest first. When more match than `limit`, the newest
   * `limit` are returned (still oldest first). Throws a `RangeError` on a bad query.
   */
  listEvents(query: LedgerEventQuery): Promise<LedgerEvent[]>;
  close(): Promise<void>;
}

export interface LedgerListQuery {
  /** Inclusive lower bound, wall-clock ms. */
  readonly since?: number;
  /** Exclusive upper bound, wall-clock ms. */
  readonly until?: number;
  readonly requestId?: string;
  readonly limit?: number;
}

export interface LedgerEventQuery {
  /** Inclusive lower bound, wall-clock ms. */
  readonly since?: number;
  /** Exclusive upper bound, wall-clock ms. */
  readonly until?: number;
  /** Only events of this kind, e.g. `budget.threshold`. */
  readonly kind?: string;
  /** How many of the newest matching events to return: 0 to 10,000, default 100. */
  readonly limit?: number;
}

export interface ReportQuery {
  readonly since?: number;
  readonly until?: number;
  /** How many rows in `byUser`, `byFeature`, `byModel` and `topRequests` (default 10). */
  readonly top?: number;
}

/** Sums over a set of ledger rows. Token sums count only known buckets. */
export interface ReportTotals {
  /** Distinct request ids. */
  readonly requests: number;
  /** Rows (billable attempts). */
  readonly attempts: number;
  readonly errors: number;
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  /** Sum of known costs, integer nano-dollars. */
  readonly costNanos: number;
  /** Rows whose price was unknown (excluded from `costNanos`). */
  readonly unpricedAttempts: number;
  /**
   * What caching saved, integer nano-dollars: the sum of every row's `costAvoidedNanos`, and
   * always exactly `savedByExactCacheNanos + savedBySemanticCacheNanos + savedByPromptCacheNanos`.
   */
  readonly costAvoidedNanos: number;
  /** Saved by exact-cache hits: `costAvoidedNanos` of rows with `cacheStatus` `hit`. */
  readonly savedByExactCacheNanos: number;
  /** Saved by semantic-cache hits: `costAvoidedNanos` of rows with `cacheStatus` `semantic-hit`. */
  readonly savedBySemanticCacheNanos: number;
  /**
   * Saved by provider prompt caching: `costAvoidedNanos` of every other row (any other
   * `cacheStatus`, or none), i.e. cache-read tokens billed at the discount instead of the input price.
   */
  readonly savedByPromptCacheNanos: number;
}

export interface ReportGroup extends ReportTotals {
  /** The group's key: a day `YYYY-MM-DD` (UTC), a model, a user or a feature; `null` when untagged. */
  readonly key: string | null;
}

export interface ReportRequest {
  readonly requestId: string;
  readonly timestamp: number;
  readonly logicalModel: string;
  readonly user: string | null;
  readonly feature: string | null;
  readonly attempts: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costNanos: number;
}

export interface LedgerReport {
  readonly since: number | null;
  readonly until: number | null;
  readonly totals: ReportTotals;
  readonly byDay: readonly ReportGroup[];
  readonly byModel: readonly ReportGroup[];
  readonly byUser: readonly ReportGroup[];
  readonly byFeature: readonly ReportGroup[];
  readonly topRequests: readonly ReportRequest[];
}

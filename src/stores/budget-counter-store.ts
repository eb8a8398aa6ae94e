/**
 * The seam between the budget engine and where counters live: in memory (tests, the library),
 * SQLite (the embedded default, so a restart loses nothing) and Redis (one Lua script per method,
 * shared by every replica). Every implementation passes `budget-counter-store.contract.ts`.
 *
 * A store that cannot reach its backend rejects with a `TollgateError` coded
 * `TG_ERR_STORE_UNAVAILABLE`, promptly (well under 300 ms), never hanging; the caller applies the
 * configured fail-open or fail-closed policy.
 *
 * A bucket is one (budgetId, windowKey) pair holding integer `spent` and `reserved` counters. The
 * store knows nothing about windows: the engine names the buckets, which of them count against a
 * limit, and until when each may be kept.
 */

/** An amount charged to one bucket. `retainUntil` (epoch ms) is when the bucket may be dropped. */
export interface BucketAmount {
  readonly budgetId: string;
  readonly windowKey: string;
  /** A non-negative integer in the budget's unit. */
  readonly amount: number;
  readonly retainUntil: number;
}

/** The limit one budget's reservation is checked against: the sum over `windowKeys` of spent + reserved. */
export interface BucketLimit {
  readonly budgetId: string;
  readonly limit: number;
  readonly windowKeys: readonly string[];
  /** Reported back when this budget rejects a reservation. */
  readonly resetAt: number;
}

export type ReserveResult =
  | {
      readonly ok: true;
      /** True when `requestId` was already reserved or settled, so nothing was counted again. */
      readonly replayed: boolean;
    }
  | {
      readonly ok: false;
      readonly budgetId: string;
      /** limit − (spent + reserved) before this request; negative when the budget is overspent. */
      readonly remaining: number;
      readonly resetAt: number;
    };

export type SettleOutcome =
  /** The reservation was replaced by the actual amounts. */
  | 'settled'
  /** `requestId` was settled before; nothing changed. */
  | 'already-settled'
  /** No live reservation (never made, released or expired); the actual amounts were still counted. */
  | 'settled-without-reservation';

export interface BucketUsage {
  readonly spent: number;
  readonly reserved: number;
}

export interface BudgetCounterStore {
  /**
   * Atomically, all or nothing across buckets: for every limit, checks that the sum over its
   * window keys of spent + reserved plus this request's amounts for that budget stays within the
   * limit, and if all fit adds the amounts to `reserved`. Idempotent on `requestId`: a request
   * that is reserved or settled is not counted again (`replayed: true`). A rejection holds
   * nothing and is not remembered, so a retry is judged afresh. Every amount's budget must have a
   * limit. The reservation lapses `ttlMs` after `now`.
   */
  reserve(requestId: string, amounts: readonly BucketAmount[], limits: readonly BucketLimit[], ttlMs: number, now: number): Promise<ReserveResult>;
  /** Replaces the reservation with the actual amounts (moved into `spent`). Idempotent on `requestId`. */
  settle(requestId: string, actual: readonly BucketAmount[], now: number): Promise<SettleOutcome>;
  /** Drops a live reservation, returning whether there was one. Settled requests are untouched. */
  release(requestId: string): Promise<boolean>;
  /** Drops reservations past their TTL, settled markers past retention, and buckets past `retainUntil`. */
  expire(now: number): Promise<void>;
  usage(budgetId: string, windowKey: string): Promise<BucketUsage>;
  /**
   * Claims a one-off event (an alert for one budget, window and threshold) so it fires once across
   * every process sharing the store. True only for the first claim of `claimKey` until
   * `retainUntil` (epoch ms); later claims, from this process or another, return false.
   */
  claimOnce(claimKey: string, retainUntil: number, now: number): Promise<boolean>;
  /** Releases connections; safe to call twice. The memory store has nothing to release. */
  close(): Promise<void>;
}

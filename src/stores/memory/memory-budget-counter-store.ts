import type { BucketAmount, BucketLimit, BucketUsage, BudgetCounterStore, ReserveResult, SettleOutcome } from '../budget-counter-store.js';

export interface MemoryBudgetCounterStoreOptions {
  /** How long a settled request id is remembered so a replayed reserve or settle is not counted twice. */
  readonly settledRetentionMs?: number;
  /** State to start from (a persisted store reloading): settled spend per bucket, and live claims. */
  readonly restore?: {
    readonly buckets: ReadonlyArray<{ readonly budgetId: string; readonly windowKey: string; readonly spent: number; readonly retainUntil: number }>;
    readonly claims: ReadonlyArray<{ readonly claimKey: string; readonly retainUntil: number }>;
  };
}

interface Bucket {
  spent: number;
  reserved: number;
  retainUntil: number;
}

type RequestRecord =
  | { readonly state: 'reserved'; readonly amounts: readonly BucketAmount[]; readonly expiresAt: number }
  | { readonly state: 'settled'; readonly forgetAt: number };

const DEFAULT_SETTLED_RETENTION_MS = 15 * 60_000;

function bucketId(budgetId: string, windowKey: string): string {
  return `${budgetId}\u0000${windowKey}`;
}

function assertAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${amount}`);
}

/**
 * The embedded budget counter store. Every method does its work synchronously before its promise
 * resolves, so check-and-reserve across buckets is atomic within one process. Memory is bounded
 * by the buckets in use (each dropped after its `retainUntil`) and by in-flight request ids
 * (dropped at their TTL, or `settledRetentionMs` after settling). Expired entries are swept
 * lazily on every call, so `expire` is only needed to reclaim memory while idle.
 */
export function createMemoryBudgetCounterStore(options: MemoryBudgetCounterStoreOptions = {}): BudgetCounterStore {
  const settledRetentionMs = options.settledRetentionMs ?? DEFAULT_SETTLED_RETENTION_MS;
  if (!Number.isFinite(settledRetentionMs) || settledRetentionMs <= 0) {
    throw new RangeError(`settledRetentionMs must be a positive number, got ${settledRetentionMs}`);
  }
  const buckets = new Map<string, Bucket>();
  const requests = new Map<string, RequestRecord>();
  // Bounded by budgets × windows × thresholds alive at once: each claim is dropped after retainUntil.
  const claims = new Map<string, number>();
  let nextSweepAt = Number.POSITIVE_INFINITY;
  for (const restored of options.restore?.buckets ?? []) {
    assertAmount(restored.spent, `restored spend for budget ${restored.budgetId}`);
    buckets.set(bucketId(restored.budgetId, restored.windowKey), { spent: restored.spent, reserved: 0, retainUntil: restored.retainUntil });
    nextSweepAt = Math.min(nextSweepAt, restored.retainUntil);
  }
  for (const claim of options.restore?.claims ?? []) {
    claims.set(claim.claimKey, claim.retainUntil);
    nextSweepAt = Math.min(nextSweepAt, claim.retainUntil);
  }

  function bucketFor(amount: BucketAmount): Bucket {
    const id = bucketId(amount.budgetId, amount.windowKey);
    let bucket = buckets.get(id);
    if (bucket === undefined) {
      bucket = { spent: 0, reserved: 0, retainUntil: amount.retainUntil };
      buckets.set(id, bucket);
    }
    bucket.retainUntil = Math.max(bucket.retainUntil, amount.retainUntil);
    nextSweepAt = Math.min(nextSweepAt, bucket.retainUntil);
    return bucket;
  }

  function unreserve(amounts: readonly BucketAmount[]): void {
    for (const amount of amounts) {
      const bucket = buckets.get(bucketId(amount.budgetId, amount.windowKey));
      if (bucket !== undefined) bucket.reserved -= amount.amount;
    }
  }

  function remember(requestId: string, record: RequestRecord): void {
    requests.set(requestId, record);
    nextSweepAt = Math.min(nextSweepAt, record.state === 'reserved' ? record.expiresAt : record.forgetAt);
  }

  function sweep(now: number): void {
    if (now < nextSweepAt) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [requestId, record] of requests) {
      const due = record.state === 'reserved' ? record.expiresAt : record.forgetAt;
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      if (record.state === 'reserved') unreserve(record.amounts);
      requests.delete(requestId);
    }
    for (const [id, bucket] of buckets) {
      if (bucket.retainUntil > now) next = Math.min(next, bucket.retainUntil);
      else buckets.delete(id);
    }
    for (const [claimKey, retainUntil] of claims) {
      if (retainUntil > now) next = Math.min(next, retainUntil);
      else claims.delete(claimKey);
    }
    nextSweepAt = next;
  }

  function usedIn(budgetId: string, windowKeys: readonly string[]): number {
    let used = 0;
    for (const key of windowKeys) {
      const bucket = buckets.get(bucketId(budgetId, key));
      if (bucket !== undefined) used += bucket.spent + bucket.reserved;
    }
    return used;
  }

  return {
    async reserve(requestId: string, amounts: readonly BucketAmount[], limits: readonly BucketLimit[], ttlMs: number, now: number): Promise<ReserveResult> {
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
      sweep(now);
      if (requests.has(requestId)) return { ok: true, replayed: true };
      const requested = new Map<string, number>();
      for (const amount of amounts) {
        assertAmount(amount.amount, `reserve amount for budget ${amount.budgetId}`);
        requested.set(amount.budgetId, (requested.get(amount.budgetId) ?? 0) + amount.amount);
      }
      const limitById = new Map(limits.map((limit) => [limit.budgetId, limit]));
      for (const [budgetId, total] of requested) {
        const limit = limitById.get(budgetId);
        if (limit === undefined) throw new RangeError(`reserve has an amount for budget ${budgetId} but no limit`);
        const used = usedIn(budgetId, limit.windowKeys);
        if (used + total > limit.limit) return { ok: false, budgetId, remaining: limit.limit - used, resetAt: limit.resetAt };
      }
      for (const amount of amounts) bucketFor(amount).reserved += amount.amount;
      remember(requestId, { state: 'reserved', amounts: [...amounts], expiresAt: now + ttlMs });
      return { ok: true, replayed: false };
    },

    async settle(requestId: string, actual: readonly BucketAmount[], now: number): Promise<SettleOutcome> {
      for (const amount of actual) assertAmount(amount.amount, `settle amount for budget ${amount.budgetId}`);
      sweep(now);
      const record = requests.get(requestId);
      if (record?.state === 'settled') return 'already-settled';
      if (record !== undefined) unreserve(record.amounts);
      for (const amount of actual) bucketFor(amount).spent += amount.amount;
      remember(requestId, { state: 'settled', forgetAt: now + settledRetentionMs });
      return record === undefined ? 'settled-without-reservation' : 'settled';
    },

    async release(requestId: string): Promise<boolean> {
      const record = requests.get(requestId);
      if (record?.state !== 'reserved') return false;
      unreserve(record.amounts);
      requests.delete(requestId);
      return true;
    },

    async expire(now: number): Promise<void> {
      sweep(now);
    },

    async usage(budgetId: string, windowKey: string): Promise<BucketUsage> {
      const bucket = buckets.get(bucketId(budgetId, windowKey));
      return { spent: bucket?.spent ?? 0, reserved: bucket?.reserved ?? 0 };
    },

    async claimOnce(claimKey: string, retainUntil: number, now: number): Promise<boolean> {
      sweep(now);
      if (claims.has(claimKey)) return false;
      claims.set(claimKey, retainUntil);
      nextSweepAt = Math.min(nextSweepAt, retainUntil);
      return true;
    },

    async close(): Promise<void> {},
  };
}

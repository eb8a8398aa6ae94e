/**
 * Counts items (and their bytes) until each one's expiry, in bounded memory, for a store whose
 * entries live elsewhere and expire on their own. Items are grouped by expiry into buckets whose
 * width is a power of two no finer than `minimumWidthMs` and about `1/32` of the item's lifetime,
 * so an item is counted at most ~3% of its lifetime (or `minimumWidthMs`) past its expiry. For any
 * one width, live buckets span one lifetime, so at most ~34 per width are live, and lifetimes up
 * to 2^53 ms allow at most ~40 widths: the tally never holds more than ~1,400 buckets.
 */
export interface ExpiringTally {
  /** Counts one item of `bytes` until `expiresAt`, as seen at `now`. */
  add(bytes: number, expiresAt: number, now: number): void;
  /** The items not yet expired at `now`, and their bytes. */
  totals(now: number): { readonly entries: number; readonly bytes: number };
  /** How many buckets it holds now, for tests and diagnostics. */
  bucketCount(): number;
}

const BUCKETS_PER_LIFETIME = 32;

interface Bucket {
  entries: number;
  bytes: number;
}

export function createExpiringTally(options: { readonly minimumWidthMs?: number } = {}): ExpiringTally {
  const minimumWidthMs = 2 ** Math.ceil(Math.log2(Math.max(1, options.minimumWidthMs ?? 1_000)));
  /** By the end of the bucket's range: its items are counted while `now` is before it. */
  const buckets = new Map<number, Bucket>();
  let earliestEnd = Number.POSITIVE_INFINITY;

  function dropExpired(now: number): void {
    if (now < earliestEnd) return;
    earliestEnd = Number.POSITIVE_INFINITY;
    for (const end of buckets.keys()) {
      if (end <= now) buckets.delete(end);
      else if (end < earliestEnd) earliestEnd = end;
    }
  }

  return {
    add(bytes: number, expiresAt: number, now: number): void {
      dropExpired(now);
      if (expiresAt <= now) return;
      const width = Math.max(minimumWidthMs, 2 ** Math.ceil(Math.log2((expiresAt - now) / BUCKETS_PER_LIFETIME)));
      const end = Math.ceil(expiresAt / width) * width;
      const bucket = buckets.get(end);
      if (bucket === undefined) buckets.set(end, { entries: 1, bytes });
      else {
        bucket.entries += 1;
        bucket.bytes += bytes;
      }
      if (end < earliestEnd) earliestEnd = end;
    },

    totals(now: number): { readonly entries: number; readonly bytes: number } {
      dropExpired(now);
      let entries = 0;
      let bytes = 0;
      for (const bucket of buckets.values()) {
        entries += bucket.entries;
        bytes += bucket.bytes;
      }
      return { entries, bytes };
    },

    bucketCount(): number {
      return buckets.size;
    },
  };
}

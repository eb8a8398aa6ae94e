/**
 * A bucketed rolling window of request and failure counts: `windowBucketCount` buckets of
 * `windowMs / windowBucketCount` each, so memory per deployment is fixed whatever the traffic.
 * A bucket is identified by its epoch (`floor(now / bucketMs)`) and reused, reset, when its slot
 * comes round again. The window therefore covers between 90% and 100% of `windowMs`: the current
 * bucket is partly elapsed and the oldest one is dropped whole.
 *
 * Plain, immutable, JSON-serialisable data, so a shared store can hold it as it is.
 */
export const windowBucketCount = 10;

export interface WindowBucket {
  readonly epoch: number;
  readonly requests: number;
  readonly failures: number;
}

export type RollingWindow = readonly WindowBucket[];

export interface WindowTotals {
  readonly requests: number;
  readonly failures: number;
}

const unusedBucket: WindowBucket = Object.freeze({ epoch: -1, requests: 0, failures: 0 });

export const emptyWindow: RollingWindow = Object.freeze(Array.from({ length: windowBucketCount }, () => unusedBucket));

function epochAt(now: number, windowMs: number): number {
  return Math.floor(now / (windowMs / windowBucketCount));
}

function slotOf(epoch: number): number {
  return ((epoch % windowBucketCount) + windowBucketCount) % windowBucketCount;
}

/** Returns a new window with one more request (and failure, if `failed`) counted at `now`. */
export function addToWindow(window: RollingWindow, now: number, windowMs: number, failed: boolean): RollingWindow {
  const epoch = epochAt(now, windowMs);
  const slot = slotOf(epoch);
  const current = window[slot];
  const base = current !== undefined && current.epoch === epoch ? current : { epoch, requests: 0, failures: 0 };
  const next = [...window];
  next[slot] = { epoch, requests: base.requests + 1, failures: base.failures + (failed ? 1 : 0) };
  return next;
}

/** Sums the buckets still inside the window at `now`; buckets from the future (clock stepped back) are skipped. */
export function windowTotals(window: RollingWindow, now: number, windowMs: number): WindowTotals {
  const newest = epochAt(now, windowMs);
  const oldest = newest - windowBucketCount + 1;
  let requests = 0;
  let failures = 0;
  for (const bucket of window) {
    if (bucket.epoch < oldest || bucket.epoch > newest) continue;
    requests += bucket.requests;
    failures += bucket.failures;
  }
  return { requests, failures };
}

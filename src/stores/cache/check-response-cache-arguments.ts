import type { CachedResponse } from '../response-cache-store.js';

/**
 * The argument checks every response cache store makes before touching its backend, so each
 * rejects the same bugs the same way (a `RangeError`) and stores nothing it could not return.
 */

function assertTime(value: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

export function checkResponseCacheGet(now: number, maxAgeMs: number | undefined): void {
  assertTime(now, 'now');
  if (maxAgeMs !== undefined && !(maxAgeMs >= 0)) throw new RangeError(`maxAgeMs must be a non-negative number, got ${maxAgeMs}`);
}

export function checkResponseCacheSet(entry: CachedResponse, ttlMs: number, now: number): void {
  assertTime(now, 'now');
  assertTime(entry.storedAt, 'storedAt');
  if (!(ttlMs > 0) || ttlMs > Number.MAX_SAFE_INTEGER) throw new RangeError(`ttlMs must be a positive number of ms, got ${ttlMs}`);
  if (entry.costNanos !== null && (!Number.isSafeInteger(entry.costNanos) || entry.costNanos < 0)) {
    throw new RangeError(`costNanos must be null or a non-negative safe integer of nano-dollars, got ${entry.costNanos}`);
  }
  if (!(entry.body instanceof Uint8Array)) throw new RangeError('body must be a Uint8Array');
}

/** The expiry of an entry stored at `now` for `ttlMs`, in whole ms (a fractional TTL rounds up). */
export function responseCacheExpiry(ttlMs: number, now: number): number {
  return now + Math.ceil(ttlMs);
}

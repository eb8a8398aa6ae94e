import type { BreakerRecord } from './breaker-record.js';
import type { BreakerRecordChange, BreakerRecordUpdate, CircuitBreakerStore } from './circuit-breaker-store.js';

/**
 * In-process breaker state: one `Map` entry per deployment key, updated synchronously (one
 * JavaScript thread makes every update atomic). Memory is bounded by the configured deployments:
 * each key holds one record with a fixed-size window.
 */
export function createMemoryCircuitBreakerStore(): CircuitBreakerStore {
  const records = new Map<string, BreakerRecord>();
  return {
    read(key: string): BreakerRecord | undefined {
      return records.get(key);
    },
    update(key: string, change: BreakerRecordChange): BreakerRecordUpdate {
      const before = records.get(key);
      const changed = change(before);
      if (changed === undefined) return { before, after: before };
      records.set(key, changed);
      return { before, after: changed };
    },
    entries(): Iterable<readonly [string, BreakerRecord]> {
      return records.entries();
    },
  };
}

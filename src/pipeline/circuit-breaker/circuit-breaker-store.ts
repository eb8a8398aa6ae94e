import type { RecordChange, RecordUpdate, SharedRecordStore } from '../../stores/shared-record-store.js';
import type { BreakerRecord } from './breaker-record.js';

/** Computes a key's next record from its current one; `undefined` leaves the record as it is. Pure. */
export type BreakerRecordChange = RecordChange<BreakerRecord>;

export type BreakerRecordUpdate = RecordUpdate<BreakerRecord>;

/**
 * Where the breaker keeps one record per deployment key: a `SharedRecordStore` (see its
 * guarantees). The memory store is the whole truth for one process; a shared (Redis) store lets
 * several gateway processes agree on a deployment's health. `acquire` is synchronous and O(1), so
 * it only ever calls `read`; every change goes through `update`.
 *
 * For the breaker, a shared store should:
 * - poll at most one window bucket (`windowMs / 10`) apart, bounding how stale `read` can be;
 * - publish at least on every state change (closed / open / half-open), so an opened circuit
 *   reaches other processes at once; window increments may wait for the poll;
 * - keep records for e.g. 2 × max(windowMs, cooldownMs), renewed on write, so deployments
 *   removed from the config disappear.
 *
 * Across processes the half-open probe is single per process, not global: two processes may
 * each let one probe through in the same instant before the compare-and-set settles. Any probe
 * outcome settles the shared record, so this costs at most one extra call per process.
 */
export type CircuitBreakerStore = SharedRecordStore<BreakerRecord>;

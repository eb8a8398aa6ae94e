import type { BreakerRecord } from './breaker-record.js';

/** Computes a key's next record from its current one; `undefined` leaves the record as it is. Pure. */
export type BreakerRecordChange = (current: BreakerRecord | undefined) => BreakerRecord | undefined;

export interface BreakerRecordUpdate {
  /** The record the change was applied to. */
  readonly before: BreakerRecord | undefined;
  /** The record after it (`before` again when the change left it alone). */
  readonly after: BreakerRecord | undefined;
}

/**
 * Where the breaker keeps one record per deployment key. The memory store is the whole truth
 * for one process; a shared (Redis) store lets several gateway processes agree on a deployment's
 * health. `acquire` is synchronous and O(1), so it only ever calls `read`; every change goes
 * through `update`.
 *
 * What every implementation guarantees (the memory store trivially; Redis must build it):
 *
 * 1. `read` is synchronous, O(1) and never touches the network. A Redis store serves it from a
 *    local replica (a `Map`) that it refreshes asynchronously: from the results of its own
 *    updates, from a pub/sub message published on every state change, and from a poll at most
 *    one window bucket (`windowMs / 10`) apart. Staleness is bounded by that poll.
 * 2. `update` applies `change` to the local replica *before it returns*, so the next `read` in
 *    this process already sees a claimed probe or a circuit that just opened.
 * 3. `update` applies `change` to the shared record atomically: a compare-and-set on a version
 *    field (WATCH/MULTI/EXEC, or one Lua script), re-running `change` on the fresh shared record
 *    when another process got there first. `change` is pure and may run several times; queued
 *    changes may be applied in order inside one compare-and-set to batch window increments.
 * 4. `update` returns `{ before, after }` as applied to the authoritative record: synchronously
 *    (memory) or as a promise (Redis). The promise never rejects: when the backend fails it
 *    resolves with the local replica's update and reports the failure through the store's own
 *    logger, so the breaker keeps working on local state rather than failing every request.
 * 5. Records carry wall-clock times (`Clock.now`), since they are compared across processes:
 *    gateway hosts need synchronised clocks; skew only lengthens or shortens a cool-down.
 * 6. Keys are configured deployments, so their number is bounded by the config; a shared store
 *    still sets a TTL (e.g. 2 × max(windowMs, cooldownMs), renewed on write) so records of
 *    deployments removed from the config disappear.
 *
 * Across processes the half-open probe is single per process, not global: two processes may
 * each let one probe through in the same instant before the compare-and-set settles. Any probe
 * outcome settles the shared record, so this costs at most one extra call per process.
 */
export interface CircuitBreakerStore {
  read(key: string): BreakerRecord | undefined;
  update(key: string, change: BreakerRecordChange): BreakerRecordUpdate | Promise<BreakerRecordUpdate>;
  /** Every record this process knows, for snapshots and metrics. */
  entries(): Iterable<readonly [key: string, record: BreakerRecord]>;
}

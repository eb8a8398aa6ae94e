/** Computes a key's next record from its current one; `undefined` leaves the record as it is. Pure. */
export type RecordChange<Value> = (current: Value | undefined) => Value | undefined;

export interface RecordUpdate<Value> {
  /** The record the change was applied to. */
  readonly before: Value | undefined;
  /** The record after it (`before` again when the change left it alone). */
  readonly after: Value | undefined;
}

/**
 * One small record per key, kept for one process (memory) or shared by several (Redis), read on
 * a hot path and changed only through pure functions. Records are plain JSON-serialisable data;
 * fields holding `undefined` are kept as such. Keys must come from configuration, never from
 * request input, so their number is bounded.
 *
 * What every implementation guarantees (a memory store trivially; a shared store must build it):
 *
 * 1. `read` is synchronous, O(1) and never touches the network. A shared store serves it from a
 *    local replica that it refreshes asynchronously: from the results of its own updates, from a
 *    pub/sub message published when a record changes, and from a poll. Staleness is bounded by
 *    the poll interval.
 * 2. `update` applies `change` to the local replica *before it returns*, so the next `read` in
 *    this process already sees it.
 * 3. `update` applies `change` to the shared record atomically: a compare-and-set on a version
 *    (WATCH/MULTI/EXEC, or one Lua script), re-running `change` on the fresh shared record when
 *    another process got there first, so no change is lost. `change` is pure and may run several
 *    times; changes queued for one key may be applied in order inside one compare-and-set.
 * 4. `update` returns `{ before, after }` as applied to the authoritative record: synchronously
 *    (memory) or as a promise (shared). The promise never rejects: when the backend fails it
 *    resolves with the local replica's update and reports the failure through the store's own
 *    logger, so the caller keeps working on local state rather than failing.
 * 5. Records compared across processes carry wall-clock times, so hosts need synchronised clocks.
 * 6. A shared store sets a TTL on every record, renewed on write, so records of keys no longer
 *    in use disappear; the replica drops them at the next poll.
 */
export interface SharedRecordStore<Value> {
  read(key: string): Value | undefined;
  update(key: string, change: RecordChange<Value>): RecordUpdate<Value> | Promise<RecordUpdate<Value>>;
  /** Every record this process knows, for snapshots and metrics. */
  entries(): Iterable<readonly [key: string, record: Value]>;
  /** Stops refreshing and releases connections; safe to call twice. Stores holding nothing omit it. */
  close?(): Promise<void>;
}

import type { LedgerEntry } from '../core/ledger-entry.js';
import type { LedgerStore } from './ledger-store.js';

/** The writer's only dependency on time, so tests can drive it without waiting. */
export interface LedgerWriterTimers {
  /** Schedules the next idle flush. Must not keep the process alive. Returns a cancel function. */
  setFlushTimer(callback: () => void, delayMs: number): () => void;
  /** Waits between retries of a failed batch. Keeps the process alive, so `close()` can finish. */
  sleep(delayMs: number): Promise<void>;
}

export const defaultLedgerWriterTimers: LedgerWriterTimers = Object.freeze({
  setFlushTimer(callback: () => void, delayMs: number): () => void {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return () => clearTimeout(handle);
  },
  sleep: (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs)),
});

export interface LedgerWriterRetryOptions {
  /** Store calls per batch before it is handed to `onError` and parked (default 3). */
  readonly maxAttempts?: number;
  /** Full-jitter exponential backoff: a random wait up to `min(maxDelayMs, baseDelayMs * 2^(n-1))`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface LedgerWriterOptions {
  readonly store: Pick<LedgerStore, 'append'>;
  /** Rows per `store.append` call; reaching it starts a flush at once (default 500). */
  readonly batchSize?: number;
  /** How long a partial batch waits before it is written (default 50). */
  readonly flushIntervalMs?: number;
  /** Rows held before `enqueue` signals backpressure (default 10 000). See `LedgerWriter.enqueue`. */
  readonly capacity?: number;
  /**
   * Told about every batch that exhausted its retries (and again if its retry at `flush()` or
   * `close()` fails); the rows are kept, not dropped.
   */
  readonly onError: (error: unknown, entries: readonly LedgerEntry[]) => void;
  readonly retry?: LedgerWriterRetryOptions;
  readonly timers?: LedgerWriterTimers;
  /** Source of backoff jitter in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

export interface LedgerWriterStats {
  /** Rows the store accepted. */
  readonly written: number;
  /** `store.append` calls that failed, retries included. */
  readonly failed: number;
  /** `store.append` calls that succeeded. */
  readonly batches: number;
  /** Rows whose batch exhausted its retries, waiting for the next `flush()` or `close()`. */
  readonly parked: number;
}

/**
 * Moves ledger rows off the request path: `enqueue` is synchronous and O(1), one flush at a
 * time writes batches to the store, failed batches are retried and then parked, never dropped.
 */
export interface LedgerWriter {
  /**
   * Buffers a row and returns at once. Never drops a row: at `capacity` the row is still kept,
   * a flush starts, and the result is `false` (backpressure: the store is not keeping up).
   * Memory passes `capacity` only while callers ignore that signal; `whenBelowCapacity()`
   * lets a caller that must stay bounded wait. Throws after `close()`.
   */
  enqueue(entry: LedgerEntry): boolean;
  /** Writes every row enqueued before the call (or parks it via `onError`), then retries parked rows once. */
  flush(): Promise<void>;
  /**
   * Stops the timer, refuses new rows and flushes (parked rows get one more try). Resolves when
   * the store has every row; otherwise rejects, keeping the rows, and a later `close()` retries.
   */
  close(): Promise<void>;
  /** Rows enqueued and not yet in the store: buffered, being written, or parked. */
  pending(): number;
  /** Resolves once `pending()` is below `capacity` (or the writer closed). */
  whenBelowCapacity(): Promise<void>;
  stats(): LedgerWriterStats;
}

export function createLedgerWriter(options: LedgerWriterOptions): LedgerWriter {
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 500);
  const capacity = positiveInteger('capacity', options.capacity ?? 10_000);
  const flushIntervalMs = nonNegative('flushIntervalMs', options.flushIntervalMs ?? 50);
  const maxAttempts = positiveInteger('retry.maxAttempts', options.retry?.maxAttempts ?? 3);
  const baseDelayMs = nonNegative('retry.baseDelayMs', options.retry?.baseDelayMs ?? 100);
  const maxDelayMs = nonNegative('retry.maxDelayMs', options.retry?.maxDelayMs ?? 2_000);
  const { store, onError } = options;
  const timers = options.timers ?? defaultLedgerWriterTimers;
  const random = options.random ?? Math.random;

  // Rows wait in chunks of at most `batchSize`, so taking a batch never copies the buffer.
  const chunks: LedgerEntry[][] = [];
  const parked: LedgerEntry[][] = [];
  let bufferedRows = 0;
  let inFlightRows = 0;
  let parkedRows = 0;
  let enqueuedTotal = 0;
  let settledTotal = 0;
  let written = 0;
  let failed = 0;
  let batches = 0;
  let closed = false;
  let retryParkedRequested = false;
  let drainAll = false;
  let cancelTimer: (() => void) | undefined;
  let draining: Promise<void> | undefined;
  let capacityWaiters: (() => void)[] = [];

  const pending = (): number => bufferedRows + inFlightRows + parkedRows;

  const stopTimer = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
  };

  const scheduleFlush = (): void => {
    if (cancelTimer || draining || closed) return;
    cancelTimer = timers.setFlushTimer(function ledgerWriterTimer() {
      cancelTimer = undefined;
      void startDrain(true);
    }, flushIntervalMs);
  };

  const releaseCapacityWaiters = (force: boolean): void => {
    if (capacityWaiters.length === 0 || (!force && pending() >= capacity)) return;
    const waiters = capacityWaiters;
    capacityWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const report = (error: unknown, entries: readonly LedgerEntry[]): void => {
    try {
      onError(error, entries);
    } catch {
      // onError is the error channel itself; a failure inside it must not stop the writer.
    }
  };

  const park = (batch: LedgerEntry[]): void => {
    parked.push(batch);
    parkedRows += batch.length;
  };

  /** Writes one batch, retrying with backoff; parks it if the store never took it. */
  const writeBatch = async (batch: LedgerEntry[], attempts: number): Promise<void> => {
    inFlightRows += batch.length;
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await store.append(batch);
          written += batch.length;
          batches += 1;
          return;
        } catch (error) {
          failed += 1;
          if (attempt >= attempts) {
            park(batch);
            report(error, batch);
            return;
          }
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          try {
            await timers.sleep(Math.round(random() * ceiling));
          } catch {
            // A broken timer only shortens the wait; the batch is still retried or parked.
          }
        }
      }
    } finally {
      inFlightRows -= batch.length;
    }
  };

  /** Whether the head of the buffer should be written now: it is full, the writer is full, or a flush asked. */
  const headIsDue = (): boolean => {
    const head = chunks[0];
    return head !== undefined && (head.length >= batchSize || drainAll || pending() >= capacity);
  };

  const drain = async (): Promise<void> => {
    for (;;) {
      const batch = headIsDue() ? chunks.shift() : undefined;
      if (batch) {
        bufferedRows -= batch.length;
        await writeBatch(batch, maxAttempts);
        settledTotal += batch.length;
        releaseCapacityWaiters(false);
      } else if (retryParkedRequested) {
        retryParkedRequested = false;
        for (const parkedBatch of parked.splice(0, parked.length)) {
          parkedRows -= parkedBatch.length;
          await writeBatch(parkedBatch, 1);
        }
        releaseCapacityWaiters(false);
      } else {
        drainAll = false;
        return;
      }
    }
  };

  /** Starts the one drain loop, or joins the running one; `all` also writes a partial batch. */
  const startDrain = (all: boolean): Promise<void> => {
    stopTimer();
    if (all) drainAll = true;
    draining ??= drain().finally(() => {
      draining = undefined;
      if (bufferedRows > 0) scheduleFlush();
    });
    return draining;
  };

  const flush = async (): Promise<void> => {
    stopTimer();
    const target = enqueuedTotal;
    while (settledTotal < target) await startDrain(true);
    if (parkedRows === 0) return;
    retryParkedRequested = true;
    while (retryParkedRequested) await startDrain(true);
  };

  return {
    enqueue(entry: LedgerEntry): boolean {
      if (closed) throw new Error('ledger writer is closed; the row was not accepted');
      const last = chunks.at(-1);
      if (last !== undefined && last.length < batchSize) last.push(entry);
      else chunks.push([entry]);
      bufferedRows += 1;
      enqueuedTotal += 1;
      const belowCapacity = pending() < capacity;
      if (bufferedRows >= batchSize || !belowCapacity) void startDrain(false);
      else scheduleFlush();
      return belowCapacity;
    },

    flush,

    async close(): Promise<void> {
      closed = true;
      stopTimer();
      try {
        await flush();
      } finally {
        releaseCapacityWaiters(true);
      }
      if (parkedRows > 0) {
        throw new Error(`ledger writer closed with ${parkedRows} rows the store did not accept; they were reported to onError`);
      }
    },

    pending,

    whenBelowCapacity(): Promise<void> {
      if (closed || pending() < capacity) return Promise.resolve();
      return new Promise((resolve) => capacityWaiters.push(resolve));
    },

    stats: () => ({ written, failed, batches, parked: parkedRows }),
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`ledger writer ${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`ledger writer ${name} must be a non-negative number, got ${value}`);
  return value;
}

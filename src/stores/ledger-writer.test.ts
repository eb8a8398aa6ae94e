import { describe, expect, it, vi } from 'vitest';
import type { LedgerEntry } from '../core/ledger-entry.js';
import { makeLedgerEntry } from './ledger-entry-fixture.js';
import type { LedgerStore } from './ledger-store.js';
import { createLedgerWriter, type LedgerWriterOptions, type LedgerWriterTimers } from './ledger-writer.js';
import { createMemoryLedgerStore } from './memory/memory-ledger-store.js';

const entry = (index: number): LedgerEntry => makeLedgerEntry({ requestId: `request-${index}` });

/** Lets every promise chain that does not wait on a timer run to the end. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface RecordingStore {
  readonly store: Pick<LedgerStore, 'append'>;
  readonly inner: LedgerStore;
  /** Size of every append call, failed ones included. */
  readonly appendSizes: number[];
  maxConcurrentAppends: number;
}

/** A memory store that records calls; `beforeAppend` can fail or delay a call. */
function recordingStore(beforeAppend: (call: number) => Promise<void> | void = () => undefined): RecordingStore {
  const inner = createMemoryLedgerStore();
  let concurrent = 0;
  const recording: RecordingStore = {
    inner,
    appendSizes: [],
    maxConcurrentAppends: 0,
    store: {
      async append(entries) {
        recording.appendSizes.push(entries.length);
        concurrent += 1;
        recording.maxConcurrentAppends = Math.max(recording.maxConcurrentAppends, concurrent);
        try {
          await beforeAppend(recording.appendSizes.length);
          await inner.append(entries);
        } finally {
          concurrent -= 1;
        }
      },
    },
  };
  return recording;
}

function manualTimers(): { timers: LedgerWriterTimers; flushTimers: { delayMs: number; cancelled: boolean; fire(): void }[]; sleeps: number[] } {
  const flushTimers: { delayMs: number; cancelled: boolean; fire(): void }[] = [];
  const sleeps: number[] = [];
  const timers: LedgerWriterTimers = {
    setFlushTimer(callback, delayMs) {
      const timer = { delayMs, cancelled: false, fire: () => (timer.cancelled ? undefined : callback()) };
      flushTimers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    sleep: async (delayMs) => {
      sleeps.push(delayMs);
    },
  };
  return { timers, flushTimers, sleeps };
}

function writerOver(recording: RecordingStore, options: Partial<LedgerWriterOptions> = {}) {
  const errors: { error: unknown; entries: readonly LedgerEntry[] }[] = [];
  const writer = createLedgerWriter({ store: recording.store, onError: (error, entries) => errors.push({ error, entries }), ...options });
  return { writer, errors };
}

const failingCalls = (count: number) => (call: number) => {
  if (call <= count) throw new Error(`store unavailable (call ${call})`);
};

describe('createLedgerWriter', () => {
  it('rejects bad options when built', () => {
    const store = createMemoryLedgerStore();
    const build = (options: Partial<LedgerWriterOptions>) => () => createLedgerWriter({ store, onError: () => undefined, ...options });
    expect(build({ batchSize: 0 })).toThrow(RangeError);
    expect(build({ capacity: 1.5 })).toThrow(RangeError);
    expect(build({ flushIntervalMs: Number.NaN })).toThrow(RangeError);
    expect(build({ retry: { maxAttempts: 0 } })).toThrow(RangeError);
    expect(build({})).not.toThrow();
  });

  it('writes a batch as soon as batchSize rows are waiting and leaves a partial batch for the timer', async () => {
    const recording = recordingStore();
    const { timers, flushTimers } = manualTimers();
    const { writer } = writerOver(recording, { batchSize: 3, flushIntervalMs: 25, timers });

    for (let index = 0; index < 7; index += 1) writer.enqueue(entry(index));
    await settle();

    expect(recording.appendSizes).toEqual([3, 3]);
    expect(writer.pending()).toBe(1);
    const live = flushTimers.filter((timer) => !timer.cancelled);
    expect(live.map((timer) => timer.delayMs)).toEqual([25]);

    live[0]?.fire();
    await settle();
    expect(recording.appendSizes).toEqual([3, 3, 1]);
    expect(writer.stats()).toEqual({ written: 7, failed: 0, batches: 3, parked: 0 });
    expect(await recording.inner.list({})).toHaveLength(7);
  });

  it('writes a partial batch once flushIntervalMs has passed, with one timer for many rows', async () => {
    const recording = recordingStore();
    const { timers, flushTimers } = manualTimers();
    const { writer } = writerOver(recording, { batchSize: 100, flushIntervalMs: 40, timers });

    writer.enqueue(entry(1));
    writer.enqueue(entry(2));
    await settle();
    expect(recording.appendSizes).toEqual([]);
    expect(flushTimers).toHaveLength(1);

    flushTimers[0]?.fire();
    await settle();
    expect(recording.appendSizes).toEqual([2]);
    expect(writer.pending()).toBe(0);
  });

  it('flushes on a real, short timer', async () => {
    const recording = recordingStore();
    const { writer } = writerOver(recording, { batchSize: 100, flushIntervalMs: 5 });

    writer.enqueue(entry(1));
    writer.enqueue(entry(2));
    expect(recording.appendSizes).toEqual([]);

    await vi.waitFor(() => expect(recording.appendSizes).toEqual([2]), { timeout: 1_000, interval: 5 });
    await writer.close();
  });

  it('flushes everything on close, cancels the timer and refuses rows afterwards', async () => {
    const recording = recordingStore();
    const { timers, flushTimers } = manualTimers();
    const { writer } = writerOver(recording, { batchSize: 100, timers });

    for (let index = 0; index < 5; index += 1) writer.enqueue(entry(index));
    await writer.close();

    expect(await recording.inner.list({})).toHaveLength(5);
    expect(writer.pending()).toBe(0);
    expect(flushTimers.every((timer) => timer.cancelled)).toBe(true);
    expect(() => writer.enqueue(entry(99))).toThrow(/closed/);
  });

  it('writes each of 10,000 rows exactly once, in full batches', async () => {
    const recording = recordingStore();
    const { writer } = writerOver(recording);

    for (let index = 0; index < 10_000; index += 1) writer.enqueue(entry(index));
    await writer.close();

    expect(recording.appendSizes.reduce((sum, size) => sum + size, 0)).toBe(10_000);
    expect(recording.appendSizes.every((size) => size === 500)).toBe(true);
    const stored = await recording.inner.list({});
    expect(new Set(stored.map((row) => row.requestId)).size).toBe(10_000);
    expect(writer.stats()).toEqual({ written: 10_000, failed: 0, batches: 20, parked: 0 });
  });

  it('retries a batch with backoff when the store fails twice and loses nothing', async () => {
    const recording = recordingStore(failingCalls(2));
    const { timers, sleeps } = manualTimers();
    const { writer, errors } = writerOver(recording, { batchSize: 5, timers, random: () => 0.5, retry: { baseDelayMs: 100 } });

    for (let index = 0; index < 5; index += 1) writer.enqueue(entry(index));
    await writer.flush();

    expect(await recording.inner.list({})).toHaveLength(5);
    expect(sleeps).toEqual([50, 100]);
    expect(errors).toEqual([]);
    expect(writer.stats()).toEqual({ written: 5, failed: 2, batches: 1, parked: 0 });
  });

  it('reports a batch that exhausted its retries, keeps it, and writes it on close', async () => {
    const recording = recordingStore(failingCalls(3));
    const { timers } = manualTimers();
    const { writer, errors } = writerOver(recording, { batchSize: 4, timers, retry: { maxAttempts: 3 } });

    for (let index = 0; index < 4; index += 1) writer.enqueue(entry(index));
    await settle();

    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(Error);
    expect(errors[0]?.entries.map((row) => row.requestId)).toEqual(['request-0', 'request-1', 'request-2', 'request-3']);
    expect(writer.pending()).toBe(4);
    expect(writer.stats().parked).toBe(4);

    await writer.close();
    expect(await recording.inner.list({})).toHaveLength(4);
    expect(writer.stats()).toEqual({ written: 4, failed: 3, batches: 1, parked: 0 });
  });

  it('rejects close, keeping the rows, when the store still refuses them', async () => {
    const recording = recordingStore(() => {
      throw new Error('disk full');
    });
    const { timers } = manualTimers();
    const { writer, errors } = writerOver(recording, { timers, retry: { maxAttempts: 2 } });

    writer.enqueue(entry(1));
    writer.enqueue(entry(2));

    await expect(writer.close()).rejects.toThrow(/2 rows/);
    expect(writer.pending()).toBe(2);
    expect(errors.map((report) => report.entries.length)).toEqual([2, 2]);
    expect(recording.appendSizes).toEqual([2, 2, 2]);
  });

  it('keeps rows past capacity, signals backpressure, and resolves whenBelowCapacity once drained', async () => {
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const recording = recordingStore(() => gate);
    const { timers } = manualTimers();
    const { writer } = writerOver(recording, { batchSize: 2, capacity: 4, timers });

    const accepted = [1, 2, 3, 4, 5].map((index) => writer.enqueue(entry(index)));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(writer.pending()).toBe(5);

    let belowCapacity = false;
    void writer.whenBelowCapacity().then(() => {
      belowCapacity = true;
    });
    await settle();
    expect(belowCapacity).toBe(false);
    expect(recording.maxConcurrentAppends).toBe(1);

    openGate();
    await writer.flush();
    expect(belowCapacity).toBe(true);
    expect(await recording.inner.list({})).toHaveLength(5);
  });

  it('runs one store call at a time however flushes and batches overlap', async () => {
    const recording = recordingStore(() => new Promise((resolve) => setTimeout(resolve, 1)));
    const { writer } = writerOver(recording, { batchSize: 50, flushIntervalMs: 1 });

    for (let index = 0; index < 500; index += 1) writer.enqueue(entry(index));
    const flushes = [writer.flush(), writer.flush()];
    for (let index = 500; index < 1_000; index += 1) writer.enqueue(entry(index));
    await Promise.all([...flushes, writer.flush(), writer.close()]);

    expect(recording.maxConcurrentAppends).toBe(1);
    expect(await recording.inner.list({})).toHaveLength(1_000);
  });

  it('does not call the store when there is nothing to flush', async () => {
    const recording = recordingStore();
    const { writer } = writerOver(recording);
    await writer.flush();
    await writer.close();
    expect(recording.appendSizes).toEqual([]);
  });

  it('keeps working when onError itself throws', async () => {
    const recording = recordingStore(failingCalls(1));
    const { timers } = manualTimers();
    const writer = createLedgerWriter({
      store: recording.store,
      batchSize: 1,
      timers,
      retry: { maxAttempts: 1 },
      onError: () => {
        throw new Error('logger broke');
      },
    });

    writer.enqueue(entry(1));
    writer.enqueue(entry(2));
    await writer.close();
    expect((await recording.inner.list({})).map((row) => row.requestId)).toEqual(['request-1', 'request-2']);
  });
});

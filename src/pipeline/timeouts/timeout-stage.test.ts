import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import type { ModelCall, ModelRequest, ModelResponse, ModelStream } from '../../core/model-call.js';
import type { StreamPart } from '../../core/stream-part.js';
import { unknownUsage } from '../../core/usage.js';
import { makeModelRequest } from '../../testing/model-request-fixture.js';
import type { SetTimer } from './set-timer.js';
import { timeoutStage } from './timeout-stage.js';

// ── Test doubles ────────────────────────────────────────────────────────────────────────────

/** Settles every promise chain that is already runnable. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock and timers that move only when told, so the suite is instant and deterministic. */
function createManualTime() {
  let now = 0;
  let nextId = 0;
  let fired = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock: Clock = { now: () => now, monotonic: () => now };
  const setTimer: SetTimer = (callback, delayMs) => {
    const id = nextId++;
    timers.set(id, { at: now + delayMs, callback });
    return () => void timers.delete(id);
  };
  /** Moves time on, firing due timers in order; work already runnable (a pushed part) settles first. */
  async function advance(milliseconds: number): Promise<void> {
    await flush();
    const target = now + milliseconds;
    for (;;) {
      const due = [...timers.entries()].filter(([, timer]) => timer.at <= target).sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at);
      fired += 1;
      due[1].callback();
      await flush();
    }
    now = target;
    await flush();
  }
  return { clock, setTimer, advance, activeTimers: () => timers.size, firedTimers: () => fired };
}

const clientAborted = () => new TollgateError({ code: 'TG_ERR_CLIENT_ABORTED', message: 'The client went away; the upstream call was cancelled.' });

/**
 * An upstream the test drives by hand. Like the real adapters, it honours the signal it is given:
 * an abort rejects a pending `generate`/`stream` and ends a stream with a client-aborted error part.
 */
function createFakeUpstream(options: { honoursAbort?: boolean } = {}) {
  const honoursAbort = options.honoursAbort ?? true;
  const received: ModelRequest[] = [];
  const queue: Array<StreamPart | 'end'> = [];
  let wake: (() => void) | undefined;
  let settleGenerate: { resolve: (response: ModelResponse) => void } | undefined;
  let settleStream: { resolve: (stream: ModelStream) => void; reject: (error: unknown) => void } | undefined;
  const state = { released: false, pulls: 0 };

  function onAbort(signal: AbortSignal | undefined, callback: () => void): void {
    if (signal === undefined || !honoursAbort) return;
    if (signal.aborted) callback();
    else signal.addEventListener('abort', callback, { once: true });
  }

  async function* parts(signal: AbortSignal | undefined): AsyncGenerator<StreamPart> {
    try {
      for (;;) {
        state.pulls += 1;
        while (queue.length === 0) {
          if (honoursAbort && signal?.aborted === true) {
            yield { type: 'error', error: clientAborted() };
            return;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            onAbort(signal, resolve);
          });
        }
        const item = queue.shift() as StreamPart | 'end';
        if (item === 'end') return;
        yield item;
      }
    } finally {
      state.released = true;
    }
  }

  const call: ModelCall = {
    generate(request) {
      received.push(request);
      return new Promise((resolve, reject) => {
        settleGenerate = { resolve };
        onAbort(request.signal, () => reject(clientAborted()));
      });
    },
    stream(request) {
      received.push(request);
      return new Promise((resolve, reject) => {
        settleStream = { resolve, reject };
        onAbort(request.signal, () => reject(clientAborted()));
      });
    },
  };

  return {
    call,
    state,
    received,
    /** The signal the stage passed down. */
    signal: () => received.at(-1)?.signal as AbortSignal,
    answer: (response: ModelResponse) => settleGenerate?.resolve(response),
    accept: () => {
      const signal = received.at(-1)?.signal;
      settleStream?.resolve({ wireFormat: undefined, [Symbol.asyncIterator]: () => parts(signal) });
    },
    rejectStream: (error: unknown) => settleStream?.reject(error),
    push: (...items: Array<StreamPart | 'end'>) => {
      queue.push(...items);
      wake?.();
    },
  };
}

/** Records how a promise settled without awaiting it. */
function track<T>(promise: Promise<T>) {
  const outcome: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, error }),
  );
  return outcome;
}

const start: StreamPart = { type: 'stream-start', id: 'chatcmpl-1', model: 'gpt-test', created: 0 };
const raw = (data: string): StreamPart => ({ type: 'raw', format: 'openai-chat', data, usageOnly: false });
const text = (value: string): StreamPart => ({ type: 'text-delta', choiceIndex: 0, text: value });
const finish: StreamPart = { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'stop' };
const response: ModelResponse = {
  body: { id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'gpt-test', choices: [] },
  rawBody: undefined,
  upstreamModel: 'gpt-test',
  usage: unknownUsage,
  providerUsage: undefined,
};

function request(signal?: AbortSignal): ModelRequest {
  return makeModelRequest({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }, signal === undefined ? {} : { signal });
}

function expectTimeout(error: unknown, limit: string): TollgateError {
  expect(error).toBeInstanceOf(TollgateError);
  const failure = error as TollgateError;
  expect(failure.code).toBe('TG_ERR_UPSTREAM_TIMEOUT');
  expect(failure.isRetryable).toBe(true);
  expect(failure.status).toBe(504);
  expect(failure.message).toContain(limit);
  return failure;
}

function setup(policy: Parameters<typeof timeoutStage>[0], awaitFirstContent = false, honoursAbort = true) {
  const time = createManualTime();
  const upstream = createFakeUpstream({ honoursAbort });
  const call = timeoutStage(policy, { clock: time.clock, setTimer: time.setTimer, awaitFirstContent })(upstream.call);
  return { time, upstream, call };
}

// ── generate ────────────────────────────────────────────────────────────────────────────────

describe('timeoutStage generate', () => {
  it('aborts the upstream and rejects with a retryable timeout once totalMs passes', async () => {
    const { time, upstream, call } = setup({ totalMs: 1_000, ttftMs: 100 });
    const client = new AbortController();
    const result = track(call.generate(request(client.signal)));
    await time.advance(999);
    expect(result.settled).toBe(false);
    expect(upstream.signal().aborted).toBe(false);
    await time.advance(1);
    const error = expectTimeout(result.error, 'totalMs: 1000 ms');
    expect(upstream.signal().aborted).toBe(true);
    expect(upstream.signal().reason).toBe(error);
    expect(client.signal.aborted).toBe(false);
    expect(time.activeTimers()).toBe(0);
  });

  it('uses ttftMs as the whole-call limit when totalMs is unset', async () => {
    const { time, call } = setup({ ttftMs: 300, idleMs: 10 });
    const result = track(call.generate(request()));
    await time.advance(299);
    expect(result.settled).toBe(false);
    await time.advance(1);
    expectTimeout(result.error, 'ttftMs: 300 ms');
  });

  it('passes the answer through, keeps the request, and leaves no timer behind', async () => {
    const { time, upstream, call } = setup({ totalMs: 1_000 });
    const original = request(new AbortController().signal);
    const result = track(call.generate(original));
    await time.advance(400);
    upstream.answer(response);
    await flush();
    expect(result.value).toBe(response);
    expect(upstream.received[0]).toMatchObject({ body: original.body, context: original.context, rawBody: original.rawBody });
    expect(upstream.signal()).not.toBe(original.signal);
    expect(time.activeTimers()).toBe(0);
    await time.advance(5_000);
    expect(upstream.signal().aborted).toBe(false);
    expect(time.firedTimers()).toBe(0);
  });

  it('passes a client abort through unchanged, and never turns it into a timeout', async () => {
    const { time, upstream, call } = setup({ totalMs: 1_000 });
    const client = new AbortController();
    const result = track(call.generate(request(client.signal)));
    await time.advance(200);
    const reason = new Error('client left');
    client.abort(reason);
    await flush();
    expect((result.error as TollgateError).code).toBe('TG_ERR_CLIENT_ABORTED');
    expect(upstream.signal().reason).toBe(reason);
    await time.advance(2_000);
    expect((result.error as TollgateError).code).toBe('TG_ERR_CLIENT_ABORTED');
  });

  it('waits for the upstream to report a client abort even when a limit passes meanwhile', async () => {
    const time = createManualTime();
    let rejectUpstream: ((error: unknown) => void) | undefined;
    const sluggish: ModelCall = {
      // Slow to notice the abort: settles only when the test says so.
      generate: () => new Promise((_resolve, reject) => (rejectUpstream = reject)),
      stream: () => Promise.reject(new Error('unused')),
    };
    const call = timeoutStage({ totalMs: 100 }, { clock: time.clock, setTimer: time.setTimer })(sluggish);
    const client = new AbortController();
    const result = track(call.generate(request(client.signal)));
    client.abort();
    await time.advance(1_000);
    expect(result.settled).toBe(false);
    const ownError = clientAborted();
    rejectUpstream?.(ownError);
    await flush();
    expect(result.error).toBe(ownError);
  });

  it('calls straight through without a generate limit', async () => {
    const { upstream, call } = setup({ idleMs: 50 });
    const original = request();
    const result = track(call.generate(original));
    await flush();
    expect(upstream.received[0]).toBe(original);
    upstream.answer(response);
    await flush();
    expect(result.value).toBe(response);
  });
});

// ── stream ──────────────────────────────────────────────────────────────────────────────────

async function collect(stream: ModelStream): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('timeoutStage stream', () => {
  it('rejects when ttftMs passes before the upstream accepted', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100, totalMs: 10_000 });
    const result = track(call.stream(request()));
    await time.advance(100);
    const error = expectTimeout(result.error, 'ttftMs: 100 ms');
    expect(upstream.signal().reason).toBe(error);
    expect(time.activeTimers()).toBe(0);
  });

  it('ends with one ttft error part when no content follows the accepted stream, and nothing after it', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100 });
    const result = track(call.stream(request()));
    await time.advance(10);
    upstream.accept();
    await flush();
    const iterator = (result.value as ModelStream)[Symbol.asyncIterator]();
    upstream.push(start);
    expect((await iterator.next()).value).toStrictEqual(start);
    const pending = track(iterator.next());
    await time.advance(89);
    expect(pending.settled).toBe(false);
    await time.advance(1);
    const errorPart = (pending.value as IteratorResult<StreamPart>).value as StreamPart;
    expect(errorPart.type).toBe('error');
    if (errorPart.type === 'error') expectTimeout(errorPart.error, 'ttftMs: 100 ms');
    expect(upstream.signal().aborted).toBe(true);
    upstream.push(text('too late'), 'end');
    expect(await iterator.next()).toStrictEqual({ done: true, value: undefined });
    await flush();
    expect(upstream.state.released).toBe(true);
    expect(time.activeTimers()).toBe(0);
  });

  it('yields nothing after a timeout error part, even from an upstream that ignores the abort', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100 }, false, false);
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    const iterator = (result.value as ModelStream)[Symbol.asyncIterator]();
    const first = track(iterator.next());
    await time.advance(100);
    expect((first.value as IteratorResult<StreamPart>).value).toMatchObject({ type: 'error', error: { code: 'TG_ERR_UPSTREAM_TIMEOUT' } });
    upstream.push(text('late 1'), text('late 2'), text('late 3'), 'end');
    await flush();
    expect(await iterator.next()).toStrictEqual({ done: true, value: undefined });
    expect(await iterator.next()).toStrictEqual({ done: true, value: undefined });
  });

  it('does not apply idleMs before the first part (ttftMs and totalMs cover that wait)', async () => {
    const { time, upstream, call } = setup({ idleMs: 50 });
    const result = track(call.stream(request()));
    await time.advance(80);
    upstream.accept();
    await flush();
    const parts = track(collect(result.value as ModelStream));
    await time.advance(80);
    upstream.push(start);
    await time.advance(10);
    upstream.push(text('a'), 'end');
    await flush();
    expect(parts.value).toStrictEqual([start, text('a')]);
  });

  it('ends with an idle error part when the gap between parts grows past idleMs', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100, idleMs: 50 });
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    const parts = track(collect(result.value as ModelStream));
    upstream.push(start, text('a'));
    await time.advance(40);
    upstream.push(text('b'));
    await time.advance(40); // 80 ms in: each gap is under 50 ms, and ttft ended with "a"
    upstream.push(text('c'));
    await time.advance(49);
    expect(parts.settled).toBe(false);
    await time.advance(1);
    const received = parts.value as StreamPart[];
    expect(received.slice(0, 4)).toStrictEqual([start, text('a'), text('b'), text('c')]);
    expect(received).toHaveLength(5);
    const last = received[4] as StreamPart;
    if (last.type !== 'error') throw new Error(`expected an error part, got ${last.type}`);
    expectTimeout(last.error, 'idleMs: 50 ms');
    expect(upstream.signal().aborted).toBe(true);
  });

  it('fires idleMs on time even when a much later limit was armed first', async () => {
    const { time, upstream, call } = setup({ idleMs: 50, totalMs: 10_000 });
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    const parts = track(collect(result.value as ModelStream));
    upstream.push(start);
    await time.advance(49);
    expect(parts.settled).toBe(false);
    await time.advance(1);
    const last = (parts.value as StreamPart[]).at(-1) as StreamPart;
    expect(last.type === 'error' && last.error.message).toContain('idleMs: 50 ms');
  });

  it('does not count a slow consumer as an idle upstream', async () => {
    const { time, upstream, call } = setup({ idleMs: 50 });
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    const iterator = (result.value as ModelStream)[Symbol.asyncIterator]();
    upstream.push(start, text('a'));
    expect((await iterator.next()).value).toStrictEqual(start);
    await time.advance(500); // the consumer is busy; "a" waits upstream
    expect((await iterator.next()).value).toStrictEqual(text('a'));
    upstream.push(finish, 'end');
    expect((await iterator.next()).value).toStrictEqual(finish);
    expect((await iterator.next()).done).toBe(true);
    expect(upstream.signal().aborted).toBe(false);
  });

  it('ends with a total error part once totalMs passes, even while parts keep flowing', async () => {
    const { time, upstream, call } = setup({ idleMs: 50, totalMs: 200 });
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    const parts = track(collect(result.value as ModelStream));
    upstream.push(start);
    for (let index = 0; index < 4; index++) {
      await time.advance(40);
      upstream.push(text(String(index)));
    }
    await time.advance(39);
    expect(parts.settled).toBe(false);
    await time.advance(1);
    const received = parts.value as StreamPart[];
    expect(received.map((part) => (part.type === 'text-delta' ? part.text : part.type))).toStrictEqual(['stream-start', '0', '1', '2', '3', 'error']);
    const last = received.at(-1) as StreamPart;
    if (last.type === 'error') expectTimeout(last.error, 'totalMs: 200 ms');
  });

  it('passes a client abort through as the upstream reports it, not as a timeout', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100, idleMs: 50 });
    const client = new AbortController();
    const result = track(call.stream(request(client.signal)));
    upstream.accept();
    await flush();
    const parts = track(collect(result.value as ModelStream));
    upstream.push(start);
    await time.advance(20);
    client.abort();
    await flush();
    await time.advance(500);
    const received = parts.value as StreamPart[];
    expect(received).toHaveLength(2);
    const last = received[1] as StreamPart;
    expect(last.type === 'error' && last.error.code).toBe('TG_ERR_CLIENT_ABORTED');
  });

  it('clears its timer and cancels the upstream when the consumer stops early', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100, idleMs: 50, totalMs: 1_000 });
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    upstream.push(start, text('a'), text('b'));
    for await (const part of result.value as ModelStream) {
      if (part.type === 'text-delta') break;
    }
    await flush();
    expect(time.activeTimers()).toBe(0);
    expect(upstream.state.released).toBe(true);
    expect(upstream.signal().aborted).toBe(true);
    await time.advance(5_000);
    expect(time.firedTimers()).toBe(0);
  });

  it('closes even when the consumer returns before its first read', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100 });
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    await (result.value as ModelStream)[Symbol.asyncIterator]().return?.();
    expect(time.activeTimers()).toBe(0);
    expect(upstream.signal().aborted).toBe(true);
  });

  it('leaves no timer once a stream finished, so no timeout fires later', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100, idleMs: 50, totalMs: 1_000 });
    const result = track(call.stream(request()));
    upstream.accept();
    await flush();
    const parts = track(collect(result.value as ModelStream));
    upstream.push(start, text('a'), finish, 'end');
    await flush();
    expect(parts.value).toStrictEqual([start, text('a'), finish]);
    expect(time.activeTimers()).toBe(0);
    const firedBefore = time.firedTimers();
    await time.advance(10_000);
    expect(time.firedTimers()).toBe(firedBefore);
    expect(upstream.signal().aborted).toBe(false);
  });

  it('passes the stream straight through without limits', async () => {
    const { upstream, call } = setup({});
    const original = request();
    const result = track(call.stream(original));
    upstream.accept();
    await flush();
    expect(upstream.received[0]).toBe(original);
    upstream.push(text('a'), 'end');
    expect(await collect(result.value as ModelStream)).toStrictEqual([text('a')]);
  });
});

describe('timeoutStage stream with awaitFirstContent', () => {
  it('resolves only at the first content part, then replays the held-back parts in order and goes on live', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100 }, true);
    const result = track(call.stream(request()));
    upstream.accept();
    upstream.push(start, raw('{"role":"assistant"}'));
    await time.advance(50);
    expect(result.settled).toBe(false);
    upstream.push(raw('{"content":"Hel"}'), text('Hel'));
    await flush();
    expect(result.settled).toBe(true);
    const parts = track(collect(result.value as ModelStream));
    upstream.push(text('lo'), finish, 'end');
    await flush();
    expect(parts.value).toStrictEqual([start, raw('{"role":"assistant"}'), raw('{"content":"Hel"}'), text('Hel'), text('lo'), finish]);
    expect(time.activeTimers()).toBe(0);
  });

  it('rejects, instead of yielding an error part, when ttftMs passes after the upstream accepted', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100, idleMs: 1_000 }, true);
    const result = track(call.stream(request()));
    await time.advance(30);
    upstream.accept();
    upstream.push(start);
    await time.advance(69);
    expect(result.settled).toBe(false);
    await time.advance(1);
    const error = expectTimeout(result.error, 'ttftMs: 100 ms');
    expect(upstream.signal().reason).toBe(error);
    await flush();
    expect(upstream.state.released).toBe(true);
    expect(time.activeTimers()).toBe(0);
  });

  it('rejects with an upstream error part that arrives before any content', async () => {
    const { upstream, call } = setup({ ttftMs: 100 }, true);
    const interrupted = new TollgateError({ code: 'TG_ERR_STREAM_INTERRUPTED', message: 'broke off', isRetryable: true });
    const result = track(call.stream(request()));
    upstream.accept();
    upstream.push(start, { type: 'error', error: interrupted });
    await flush();
    expect(result.error).toBe(interrupted);
  });

  it('resolves and replays a stream that ended cleanly without content', async () => {
    const { time, upstream, call } = setup({ ttftMs: 100 }, true);
    const result = track(call.stream(request()));
    upstream.accept();
    upstream.push(start, finish, 'end');
    await flush();
    expect(time.activeTimers()).toBe(0);
    expect(await collect(result.value as ModelStream)).toStrictEqual([start, finish]);
  });

  it('holds back parts without any limit set', async () => {
    const { upstream, call } = setup({}, true);
    const result = track(call.stream(request()));
    upstream.accept();
    upstream.push(start);
    await flush();
    expect(result.settled).toBe(false);
    upstream.push(text('a'), 'end');
    await flush();
    expect(await collect(result.value as ModelStream)).toStrictEqual([start, text('a')]);
  });
});

// ── real timers ─────────────────────────────────────────────────────────────────────────────

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

describe('timeoutStage with real timers', () => {
  it('aborts a slow generate after totalMs', async () => {
    let downstream: AbortSignal | undefined;
    const slow: ModelCall = {
      generate: (incoming) =>
        new Promise((resolve, reject) => {
          downstream = incoming.signal;
          const handle = setTimeout(() => resolve(response), 2_000);
          incoming.signal?.addEventListener('abort', () => {
            clearTimeout(handle);
            reject(clientAborted());
          });
        }),
      stream: () => Promise.reject(new Error('unused')),
    };
    const startedAt = performance.now();
    const result = timeoutStage({ totalMs: 30 })(slow).generate(request());
    await expect(result).rejects.toMatchObject({ code: 'TG_ERR_UPSTREAM_TIMEOUT', isRetryable: true });
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(downstream?.aborted).toBe(true);
  });

  it('does not fire a timeout after a stream finished', async () => {
    let downstream: AbortSignal | undefined;
    const quick: ModelCall = {
      generate: () => Promise.reject(new Error('unused')),
      stream: async (incoming) => {
        downstream = incoming.signal;
        return {
          wireFormat: undefined,
          async *[Symbol.asyncIterator]() {
            await sleep(5);
            yield text('a');
          },
        };
      },
    };
    const stream = await timeoutStage({ ttftMs: 40, idleMs: 40, totalMs: 60 })(quick).stream(request());
    expect(await collect(stream)).toStrictEqual([text('a')]);
    await sleep(80);
    expect(downstream?.aborted).toBe(false);
  });
});

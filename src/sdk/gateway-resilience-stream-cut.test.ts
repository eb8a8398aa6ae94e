import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatOnce,
  rowsByRequest,
  runConcurrently,
  startResilienceHarness,
  startStallingUpstream,
  type ResilienceHarness,
  type StallingUpstream,
} from '../testing/resilience-harness.js';

/**
 * Fault injection, streams that break after the first content. The client has seen text, so the
 * gateway can neither retry nor fail over unseen: the stream must end in an error the SDK throws,
 * never in a clean-looking end. Cuts come from the simulator (`cutAfterChunks`); a stall (no byte,
 * connection open) from `startStallingUpstream`, since the simulator cannot stall mid-stream.
 */
const streams = 100;

describe('streams cut or stalled after the first content', () => {
  let harness: ResilienceHarness;
  let staller: StallingUpstream;
  beforeAll(async () => {
    staller = await startStallingUpstream('Hello from a stream that stops here');
    harness = await startResilienceHarness({
      extraProviders: { staller: staller.url },
      models: [
        // A fallback is configured on purpose: after text reached the client it must stay unused.
        'cut: { provider: openai, model: gpt-4o-mini, fallbacks: [spare] }',
        'stalled: { provider: staller, model: stalling-model, timeouts: { idle_ms: 300 }, fallbacks: [spare] }',
        'spare: { provider: anthropic, model: claude-sonnet-4-5 }',
      ],
      // The breaker would eject the cut deployment after 20 streams; this file is about the streams themselves.
      extraYaml: 'resilience: { circuit_breaker: { minimum_requests: 1000000 } }',
    });
    // Four SSE events (the role chunk and three content chunks), then the socket is destroyed.
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', fault: { cutAfterChunks: 4 } }]);
  });
  afterAll(async () => {
    await harness.close();
    await staller.close();
  });

  it(`cutAfterChunks 4 on every request: all ${streams} streams end in an error the SDK throws, after some text`, async () => {
    const outcomes = await runConcurrently(streams, 10, () => chatOnce(harness.client, { model: 'cut', stream: true }));
    const groups = rowsByRequest(await harness.ledgerRows());
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(0);
    for (const outcome of outcomes) {
      if (outcome.ok) continue;
      expect(outcome.textBeforeError.length).toBeGreaterThan(0);
      expect(outcome.error).toBeInstanceOf(OpenAI.APIError);
      expect((outcome.error as InstanceType<typeof OpenAI.APIError>).code).toBe('TG_ERR_STREAM_INTERRUPTED');
      // One attempt: no retry, no fallback once text was sent.
      const rows = groups.get(outcome.requestId ?? '') ?? [];
      expect(rows.map((row) => [row.route, row.upstreamModel, row.status, row.errorCode])).toEqual([
        ['primary', 'gpt-4o-mini', 'error', 'TG_ERR_STREAM_INTERRUPTED'],
      ]);
      expect(rows[0]?.ttftMs).not.toBeNull();
    }
    expect(harness.simulator.stats().requestsByModel['claude-sonnet-4-5'] ?? 0).toBe(0);
  });

  it('idle_ms 300 on a stream that stalls after its first text: the SDK throws TG_ERR_UPSTREAM_TIMEOUT and the upstream call is cancelled', async () => {
    const cancelledBefore = staller.cancelledStreams();
    const outcome = await chatOnce(harness.client, { model: 'stalled', stream: true });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.textBeforeError).toBe('Hello from a stream that stops here');
    expect((outcome.error as InstanceType<typeof OpenAI.APIError>).code).toBe('TG_ERR_UPSTREAM_TIMEOUT');
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId ?? '') ?? [];
    expect(rows.map((row) => [row.route, row.providerId, row.status, row.errorCode])).toEqual([['primary', 'staller', 'error', 'TG_ERR_UPSTREAM_TIMEOUT']]);
    await expect.poll(() => staller.cancelledStreams()).toBe(cancelledBefore + 1);
  });
});

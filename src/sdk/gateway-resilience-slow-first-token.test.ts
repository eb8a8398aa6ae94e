import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSimulatorModels } from '../testing/simulator/simulator-models.js';
import { chatOnce, rowsByRequest, runConcurrently, startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection, a slow first token: the primary takes 2 s to its first token, `ttft_ms` is
 * 200. The attempt times out before the client saw a byte, so the fallback serves the stream and
 * the client sees one clean stream: text, a finish reason, and the SDK's iteration ending normally.
 */
describe('slow first token on the primary, ttft_ms 200', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      simulator: {
        models: {
          ...defaultSimulatorModels,
          'slow-first-token': { kind: 'chat', timeToFirstTokenMs: 2000, tokensPerSecond: Infinity },
        },
      },
      models: [
        'sluggish: { provider: openai, model: slow-first-token, timeouts: { ttft_ms: 200 }, retry: { max_attempts: 1 }, fallbacks: [quick] }',
        'quick: { provider: openai, model: gpt-4o-mini }',
      ],
    });
  });
  afterAll(async () => harness.close());

  it('streaming requests succeed via the fallback with a clean stream; the primary row says TG_ERR_UPSTREAM_TIMEOUT', async () => {
    const outcomes = await runConcurrently(6, 6, () => chatOnce(harness.client, { model: 'sluggish', stream: true }));
    const groups = rowsByRequest(await harness.ledgerRows());
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) continue;
      // chatOnce counts a stream as ok only when the SDK's iteration ended without throwing.
      expect(outcome.text.length).toBeGreaterThan(0);
      expect(outcome.finishReason).toBe('stop');
      expect(outcome.route).toBe('fallback:quick');
      const rows = groups.get(outcome.requestId) ?? [];
      expect(rows.map((row) => [row.route, row.upstreamModel, row.status, row.errorCode])).toEqual([
        ['primary', 'slow-first-token', 'error', 'TG_ERR_UPSTREAM_TIMEOUT'],
        ['fallback:quick', 'gpt-4o-mini', 'ok', null],
      ]);
      expect(rows[1]?.routeReason).toBe('timeout on sluggish (TG_ERR_UPSTREAM_TIMEOUT)');
      // Timed out at its limit, well before the 2 s the upstream would have taken.
      expect(rows[0]?.latencyMs).toBeGreaterThanOrEqual(200);
      expect(rows[0]?.latencyMs).toBeLessThan(2000);
    }
  });

  it('a non-streaming request is held to ttft_ms too and falls back the same way', async () => {
    const outcome = await chatOnce(harness.client, { model: 'sluggish', stream: false });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.route).toBe('fallback:quick');
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId) ?? [];
    expect(rows.map((row) => [row.route, row.errorCode])).toEqual([
      ['primary', 'TG_ERR_UPSTREAM_TIMEOUT'],
      ['fallback:quick', null],
    ]);
  });
});

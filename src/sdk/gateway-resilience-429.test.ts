import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatOnce, rowsByRequest, startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection, 429 with `retry-after`: a wait that fits the retry budget is honoured in full
 * before the retry; one that does not means the model is busy, so the next model serves at once.
 * Separate upstream models keep one case's 429 cool-down out of the other's way.
 */
describe('upstream 429 with retry-after', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      models: [
        'patient: { provider: openai, model: gpt-4o-mini, retry: { max_attempts: 3, budget_ms: 5000, base_delay_ms: 1, max_delay_ms: 2 } }',
        'busy: { provider: openai, model: gpt-4.1-mini, retry: { max_attempts: 3, budget_ms: 2000, base_delay_ms: 1, max_delay_ms: 2 }, fallbacks: [spare] }',
        'spare: { provider: anthropic, model: claude-sonnet-4-5 }',
      ],
    });
  });
  afterAll(async () => harness.close());

  it('retry-after 1 s within the budget: the retry starts ≥ 1000 ms after the 429 attempt, on the same model, and succeeds', async () => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { status: 429, retryAfterSeconds: 1 } }]);
    const outcome = await chatOnce(harness.client, { model: 'patient', stream: false });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.route).toBe('retry');
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId) ?? [];
    expect(rows.map((row) => [row.route, row.upstreamModel, row.status, row.httpStatus])).toEqual([
      ['primary', 'gpt-4o-mini', 'error', 429],
      ['retry', 'gpt-4o-mini', 'ok', 200],
    ]);
    expect(rows[0]?.errorCode).toBe('TG_ERR_UPSTREAM_RATE_LIMITED');
    expect(rows[1]?.routeReason).toMatch(/^retry: 429, waited 1\d{3} ms \(retry-after\)$/);
    // Honouring retry-after is a correctness property: the second attempt may not start earlier.
    expect((rows[1]?.timestamp ?? 0) - (rows[0]?.timestamp ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('retry-after 30 s beyond the 2 s budget: no wait, served by the fallback (route fallback:spare)', async () => {
    harness.simulator.setFaults([{ model: 'gpt-4.1-mini', times: 1, fault: { status: 429, retryAfterSeconds: 30 } }]);
    const outcome = await chatOnce(harness.client, { model: 'busy', stream: false });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.route).toBe('fallback:spare');
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId) ?? [];
    expect(rows.map((row) => [row.route, row.upstreamModel, row.status, row.httpStatus])).toEqual([
      ['primary', 'gpt-4.1-mini', 'error', 429],
      ['fallback:spare', 'claude-sonnet-4-5', 'ok', 200],
    ]);
    expect(rows[1]?.routeReason).toBe('rate-limit on busy (TG_ERR_UPSTREAM_RATE_LIMITED)');
    // Waiting any part of the 30 s would show here; a second is far more than falling back takes.
    expect((rows[1]?.timestamp ?? 0) - (rows[0]?.timestamp ?? 0)).toBeLessThan(1000);
  });

  it('while that deployment cools down after its 429, the next request skips it and goes to the fallback without calling it', async () => {
    const before = harness.simulator.stats().requestsByModel['gpt-4.1-mini'] ?? 0;
    const outcome = await chatOnce(harness.client, { model: 'busy', stream: false });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.route).toBe('fallback:spare');
    expect(harness.simulator.stats().requestsByModel['gpt-4.1-mini'] ?? 0).toBe(before);
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId) ?? [];
    expect(rows.map((row) => [row.route, row.upstreamModel, row.status])).toEqual([['fallback:spare', 'claude-sonnet-4-5', 'ok']]);
  });
});

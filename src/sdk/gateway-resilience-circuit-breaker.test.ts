import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../core/ledger-entry.js';
import { breakerState, chatOnce, rowsByRequest, runConcurrently, startResilienceHarness, type ChatOutcome, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection acceptance, the circuit breaker: one model, two deployments. `lowest-cost`
 * sends every request to the cheap gpt-4o-mini while it is allowed; it fails every other request
 * (a deterministic 50 %), and a failed request is retried on the healthy gpt-4.1-mini
 * (`max_attempts: 2`). After 20 calls the window holds 10 failures of 20 (ratio 0.5): open.
 */
const flaky = 'openai/gpt-4o-mini';

describe('circuit breaker: minimum_requests 20, error_ratio 0.5, cooldown_ms 500', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      models: [
        'pool: { deployments: [ ' +
          '{ provider: openai, model: gpt-4o-mini, price: { input: 0.1, output: 0.1 } }, ' +
          '{ provider: openai, model: gpt-4.1-mini, price: { input: 5, output: 5 } } ], ' +
          'load_balancing: { strategy: lowest-cost }, retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 2 } }',
      ],
      extraYaml: 'resilience: { circuit_breaker: { window_ms: 60000, minimum_requests: 20, error_ratio: 0.5, cooldown_ms: 500 } }',
    });
  });
  afterAll(async () => harness.close());

  async function rowsOf(outcomes: readonly ChatOutcome[]): Promise<LedgerEntry[][]> {
    const groups = rowsByRequest(await harness.ledgerRows());
    return outcomes.map((outcome) => groups.get(outcome.requestId ?? '') ?? []);
  }

  it('20 requests to the flaky deployment (every other one failing) open its breaker, exactly at the 20th', async () => {
    const outcomes: ChatOutcome[] = [];
    for (let index = 0; index < 20; index++) {
      harness.simulator.setFaults(index % 2 === 0 ? [{ model: 'gpt-4o-mini', times: 1, fault: { status: 500 } }] : []);
      outcomes.push(await chatOnce(harness.client, { model: 'pool', stream: index % 4 === 1 }));
      if (index === 18) expect(breakerState(harness, flaky)).toBe('closed');
    }
    expect(breakerState(harness, flaky)).toBe('open');
    expect(breakerState(harness, 'openai/gpt-4.1-mini')).toBe('closed');
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const groups = await rowsOf(outcomes);
    for (const [index, rows] of groups.entries()) {
      const expected =
        index % 2 === 0
          ? [
              ['primary', 'gpt-4o-mini', 'error'],
              ['retry', 'gpt-4.1-mini', 'ok'],
            ]
          : [['primary', 'gpt-4o-mini', 'ok']];
      expect(rows.map((row) => [row.route, row.upstreamModel, row.status])).toEqual(expected);
    }
    const snapshot = harness.running.gateway.resilienceState().circuitBreakers.find((entry) => entry.key === flaky);
    expect(snapshot).toMatchObject({ requests: 20, failures: 10 });
  });

  it('while open, every request goes to the healthy deployment and the flaky one is not called', async () => {
    harness.simulator.setFaults([]);
    const callsBefore = harness.simulator.stats().requestsByModel['gpt-4o-mini'] ?? 0;
    const outcomes = await runConcurrently(10, 5, (index) => chatOnce(harness.client, { model: 'pool', stream: index % 2 === 0 }));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    for (const rows of await rowsOf(outcomes)) {
      expect(rows.map((row) => [row.route, row.upstreamModel, row.status])).toEqual([['primary', 'gpt-4.1-mini', 'ok']]);
    }
    expect(harness.simulator.stats().requestsByModel['gpt-4o-mini'] ?? 0).toBe(callsBefore);
    expect(breakerState(harness, flaky)).toBe('open');
  });

  it('after the cool-down exactly one probe goes to the flaky deployment; its success closes the breaker', async () => {
    const snapshot = harness.running.gateway.resilienceState().circuitBreakers.find((entry) => entry.key === flaky);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (snapshot?.retryAt ?? 0) - Date.now()) + 50));
    // The probe is slow, so the other requests arrive while it is in flight.
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { delayMs: 300 } }]);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => chatOnce(harness.client, { model: 'pool', stream: false })));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const models = (await rowsOf(outcomes)).map((rows) => rows.map((row) => row.upstreamModel).join(','));
    expect(models.filter((model) => model === 'gpt-4o-mini')).toHaveLength(1);
    expect(models.filter((model) => model === 'gpt-4.1-mini')).toHaveLength(4);
    expect(breakerState(harness, flaky)).toBe('closed');
    // Closed again, the cheap deployment takes the traffic back.
    const after = await chatOnce(harness.client, { model: 'pool', stream: false });
    expect(after.ok && after.provider).toBe('openai/gpt-4o-mini');
  });
});

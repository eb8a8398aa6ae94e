import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatOnce, rowsByRequest, runConcurrently, startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection, 5xx bursts: 30 % of the primary's calls answer 500 (seeded), `max_attempts: 3`.
 * Independent failures exhaust three attempts for 0.3³ = 2.7 % of requests, so retries alone
 * cannot reach 99 %: the model also has a fallback, which those requests must reach.
 */
const requests = 300;
const maxAttempts = 3;

describe('bursts of upstream 500s on the primary', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      simulator: { randomSeed: 42, faults: [{ model: 'gpt-4o-mini', probability: 0.3, fault: { status: 500 } }] },
      models: [
        `bursty: { provider: openai, model: gpt-4o-mini, retry: { max_attempts: ${maxAttempts}, base_delay_ms: 1, max_delay_ms: 4 }, fallbacks: [steady] }`,
        'steady: { provider: anthropic, model: claude-sonnet-4-5 }',
      ],
      // The breaker stays out of it: this file is about retries.
      extraYaml: 'resilience: { circuit_breaker: { minimum_requests: 1000000 } }',
      randomSeed: 7,
    });
  });
  afterAll(async () => harness.close());

  it('≥ 99 % succeed, retries are `retry` rows, never more than max_attempts on the primary per request', async () => {
    const outcomes = await runConcurrently(requests, 10, (index) => chatOnce(harness.client, { model: 'bursty', stream: index % 2 === 0 }));
    const succeeded = outcomes.filter((outcome) => outcome.ok);
    expect(succeeded.length / requests).toBeGreaterThanOrEqual(0.99);

    const groups = rowsByRequest(await harness.ledgerRows());
    expect(groups.size).toBe(requests);
    let retryRows = 0;
    let exhausted = 0;
    for (const rows of groups.values()) {
      const onPrimary = rows.filter((row) => row.upstreamModel === 'gpt-4o-mini');
      expect(onPrimary.length).toBeGreaterThanOrEqual(1);
      expect(onPrimary.length).toBeLessThanOrEqual(maxAttempts);
      expect(rows[0]?.route).toBe('primary');
      for (const [index, row] of rows.entries()) {
        if (row.route !== 'retry') continue;
        retryRows += 1;
        // A retry follows a failed 500 on the same model, and says why it waited.
        expect(row.upstreamModel).toBe('gpt-4o-mini');
        expect(rows[index - 1]).toMatchObject({ status: 'error', errorCode: 'TG_ERR_UPSTREAM_SERVER', httpStatus: 500 });
        expect(row.routeReason).toMatch(/^retry: 500, waited \d+ ms \(backoff\)$/);
      }
      const last = rows.at(-1);
      if (onPrimary.length === maxAttempts && onPrimary.every((row) => row.status === 'error')) {
        // All attempts on the primary failed: the next row is the fallback, and it served.
        exhausted += 1;
        expect(rows).toHaveLength(maxAttempts + 1);
        expect(last).toMatchObject({ route: 'fallback:steady', providerId: 'anthropic', status: 'ok' });
      } else {
        expect(last).toMatchObject({ upstreamModel: 'gpt-4o-mini', status: 'ok' });
      }
    }
    expect(retryRows).toBeGreaterThan(0);
    // With p = 0.3 over 300 requests, none exhausting three attempts would be a 0.03 % event.
    expect(exhausted).toBeGreaterThan(0);
  });

  it('each injected 500 is exactly one failed ledger row', async () => {
    const rows = await harness.ledgerRows();
    const failed = rows.filter((row) => row.errorCode === 'TG_ERR_UPSTREAM_SERVER');
    expect(failed.length).toBe(harness.simulator.stats().faultsInjected);
    expect(rows.filter((row) => row.upstreamModel === 'gpt-4o-mini').length).toBe(harness.simulator.stats().requestsByModel['gpt-4o-mini']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatOnce, rowsByRequest, runConcurrently, startResilienceHarness, type ChatOutcome, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection acceptance, full outage of one provider: every gpt-4o-mini call answers 503,
 * the model falls back to claude. One attempt on the primary (`max_attempts: 1`) and a breaker
 * that cannot open (`minimum_requests` above the traffic) make the arithmetic exact: two
 * attempts, so two ledger rows, per request.
 */
const requests = 1000;
const concurrency = 50;

describe('full outage of one provider, 1,000 requests at concurrency 50', () => {
  let harness: ResilienceHarness;
  let outcomes: ChatOutcome[];
  beforeAll(async () => {
    harness = await startResilienceHarness({
      simulator: { faults: [{ model: 'gpt-4o-mini', times: 1_000_000, fault: { status: 503 } }] },
      models: ['gpt-4o-mini: { provider: openai, retry: { max_attempts: 1 }, fallbacks: [claude] }', 'claude: { provider: anthropic, model: claude-sonnet-4-5 }'],
      extraYaml: 'resilience: { circuit_breaker: { minimum_requests: 1000000 } }',
    });
    outcomes = await runConcurrently(requests, concurrency, (index) => chatOnce(harness.client, { model: 'gpt-4o-mini', stream: index % 2 === 1 }));
  }, 60_000);
  afterAll(async () => harness.close());

  it('at least 99.9 % succeed, every one with text', () => {
    const succeeded = outcomes.filter((outcome) => outcome.ok);
    expect(succeeded.length / requests).toBeGreaterThanOrEqual(0.999);
    for (const outcome of succeeded) expect(outcome.text.length).toBeGreaterThan(0);
  });

  it('the ledger holds exactly one row per attempt: 2 per request, matching the calls the upstream saw', async () => {
    const rows = await harness.ledgerRows();
    const stats = harness.simulator.stats();
    expect(stats.requestsByModel['gpt-4o-mini']).toBe(requests);
    expect(stats.requestsByModel['claude-sonnet-4-5']).toBe(requests);
    expect(stats.faultsInjected).toBe(requests);
    expect(rows).toHaveLength(2 * requests);
    const groups = rowsByRequest(rows);
    expect(groups.size).toBe(requests);
    for (const outcome of outcomes) {
      const group = groups.get(outcome.requestId ?? '') ?? [];
      expect(group.map((row) => [row.attempt, row.route, row.upstreamModel, row.status, row.errorCode, row.httpStatus])).toEqual([
        [1, 'primary', 'gpt-4o-mini', 'error', 'TG_ERR_UPSTREAM_OVERLOADED', 503],
        [2, 'fallback:claude', 'claude-sonnet-4-5', outcome.ok ? 'ok' : 'error', outcome.ok ? null : group[1]?.errorCode, outcome.ok ? 200 : group[1]?.httpStatus],
      ]);
      expect(group[0]?.costNanos).toBe(0);
      expect(group[1]?.routeReason).toBe('overload on gpt-4o-mini (TG_ERR_UPSTREAM_OVERLOADED)');
    }
  });

  it('every response, streamed or not, says x-tollgate-route: fallback:claude', () => {
    const routes = new Set(outcomes.map((outcome) => (outcome.ok ? outcome.route : 'failed')));
    expect([...routes]).toEqual(['fallback:claude']);
  });
});

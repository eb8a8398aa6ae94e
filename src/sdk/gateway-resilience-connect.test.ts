import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakerState, chatOnce, rowsByRequest, startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection, connection refused: a deployment on a provider nobody listens on (port 9).
 * Every request must still be answered, and the ledger must show the refused attempt first.
 */
describe('connection refused on the first deployment', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      extraProviders: { dead: 'http://127.0.0.1:9/v1' },
      models: [
        // One attempt on the unreachable model, then its fallback.
        'unreachable: { provider: dead, model: gpt-4o-mini, retry: { max_attempts: 1 }, fallbacks: [healthy] }',
        'healthy: { provider: openai, model: gpt-4.1-mini }',
        // Two deployments of one model: the retry goes to the deployment not yet tried.
        'pair: { deployments: [ { provider: dead, model: gpt-4o, weight: 1000000 }, { provider: openai, model: gpt-4o, weight: 0.000001 } ], retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 2 } }',
      ],
      extraYaml: 'resilience: { circuit_breaker: { consecutive_connect_errors: 3, cooldown_ms: 60000 } }',
    });
  });
  afterAll(async () => harness.close());

  it('every request succeeds via the fallback; each shows the refused connect, then fallback:healthy', async () => {
    const outcomes = [];
    // Sequential, so the breaker's consecutive-connect-errors rule (3) trips at a known request.
    for (let index = 0; index < 3; index++) outcomes.push(await chatOnce(harness.client, { model: 'unreachable', stream: index % 2 === 1 }));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    const groups = rowsByRequest(await harness.ledgerRows());
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      expect(outcome.text.length).toBeGreaterThan(0);
      const rows = groups.get(outcome.requestId) ?? [];
      expect(rows.map((row) => [row.route, row.providerId, row.status, row.errorCode])).toEqual([
        ['primary', 'dead', 'error', 'TG_ERR_UPSTREAM_CONNECT'],
        ['fallback:healthy', 'openai', 'ok', null],
      ]);
      expect(rows[1]?.routeReason).toMatch(/TG_ERR_UPSTREAM_CONNECT/);
      expect(rows[1]?.upstreamModel).toBe('gpt-4.1-mini');
    }
    // The header names the rung that served, streamed (index 1) or not.
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.route : undefined))).toEqual(['fallback:healthy', 'fallback:healthy', 'fallback:healthy']);
  });

  it('after 3 consecutive connect errors the breaker opens: requests go straight to the fallback, no refused attempt', async () => {
    expect(breakerState(harness, 'dead/gpt-4o-mini')).toBe('open');
    const outcome = await chatOnce(harness.client, { model: 'unreachable', stream: false });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.route).toBe('fallback:healthy');
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId) ?? [];
    expect(rows.map((row) => [row.route, row.providerId, row.status])).toEqual([['fallback:healthy', 'openai', 'ok']]);
    expect(rows[0]?.routeReason).toMatch(/TG_ERR_CIRCUIT_OPEN/);
  });

  it('a refused deployment of a two-deployment model is retried on the other deployment (route retry)', async () => {
    const outcome = await chatOnce(harness.client, { model: 'pair', stream: false });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId) ?? [];
    expect(rows.map((row) => [row.route, row.providerId, row.errorCode])).toEqual([
      ['primary', 'dead', 'TG_ERR_UPSTREAM_CONNECT'],
      ['retry', 'openai', null],
    ]);
    expect(outcome.route).toBe('retry');
  });

  it('x-tollgate-provider names the deployment that served, for a streamed answer after a refused attempt too', async () => {
    const outcomes = [await chatOnce(harness.client, { model: 'pair', stream: false }), await chatOnce(harness.client, { model: 'pair', stream: true })];
    const groups = rowsByRequest(await harness.ledgerRows());
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) continue;
      expect(groups.get(outcome.requestId)?.map((row) => row.providerId)).toEqual(['dead', 'openai']);
    }
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.provider : undefined))).toEqual(['openai/gpt-4o', 'openai/gpt-4o']);
  });
});

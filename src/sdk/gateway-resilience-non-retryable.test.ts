import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatOnce, rowsByRequest, startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection, a non-retryable upstream failure: a 400 is the request's fault, so neither a
 * retry nor a fallback can help. Retries and a fallback are configured, and must both stay unused.
 */
describe('upstream 400 is not retried and not failed over', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      models: [
        'strict: { provider: openai, model: gpt-4o-mini, retry: { max_attempts: 3, base_delay_ms: 1, max_delay_ms: 2 }, fallbacks: [other], degrade_to: other }',
        'other: { provider: anthropic, model: claude-sonnet-4-5 }',
      ],
      extraYaml: 'resilience: { faq: [ { id: anything, keywords: [invalid], answer: "This FAQ answer must not be served for a bad request." } ] }',
    });
  });
  afterAll(async () => harness.close());

  it.each([
    ['non-streaming', false],
    ['streaming', true],
  ])('%s: exactly one ledger row, the client gets the 400', async (_name, stream) => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', fault: { status: 400, message: 'Invalid value for temperature.' } }]);
    const before = harness.simulator.stats().requestsByModel;
    const outcome = await chatOnce(harness.client, { model: 'strict', stream, content: 'An invalid request, says the upstream.' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.status).toBe(400);
    expect(outcome.error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((outcome.error as InstanceType<typeof OpenAI.APIError>).code).toBe('TG_ERR_UPSTREAM_BAD_REQUEST');
    const rows = rowsByRequest(await harness.ledgerRows()).get(outcome.requestId ?? '') ?? [];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ route: 'primary', upstreamModel: 'gpt-4o-mini', status: 'error', errorCode: 'TG_ERR_UPSTREAM_BAD_REQUEST', httpStatus: 400 });
    // The upstream saw one call; the fallback model none.
    const after = harness.simulator.stats().requestsByModel;
    expect((after['gpt-4o-mini'] ?? 0) - (before['gpt-4o-mini'] ?? 0)).toBe(1);
    expect((after['claude-sonnet-4-5'] ?? 0) - (before['claude-sonnet-4-5'] ?? 0)).toBe(0);
  });

  it('a 400 does not count against the deployment: its breaker stays closed after many', async () => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', fault: { status: 400 } }]);
    for (let index = 0; index < 25; index++) await chatOnce(harness.client, { model: 'strict', stream: false });
    const snapshot = harness.running.gateway.resilienceState().circuitBreakers.find((entry) => entry.key === 'openai/gpt-4o-mini');
    expect(snapshot?.state ?? 'closed').toBe('closed');
    expect(snapshot?.failures ?? 0).toBe(0);
  });
});

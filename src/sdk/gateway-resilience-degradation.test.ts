import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../core/ledger-entry.js';
import type { FaultRule } from '../testing/simulator/fault-schedule.js';
import { chatOnce, rowsByRequest, startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection, the degradation ladder: primary → fallback → simpler model (`degrade_to`) →
 * static FAQ answer → a user-presentable 503. Each rung is reached by failing the ones above it
 * with 503s; one attempt per model keeps the ledger exact.
 */
const outage = (model: string): FaultRule => ({ model, fault: { status: 503 } });
const faqAnswer = 'To reset your password, open Settings, choose Security, then Reset password.';

describe('degradation ladder', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      models: [
        'main: { provider: openai, model: gpt-4o-mini, fallbacks: [backup], degrade_to: simple }',
        'backup: { provider: anthropic, model: claude-sonnet-4-5 }',
        'simple: { provider: openai, model: gpt-4.1-nano }',
      ],
      extraYaml: [
        'resilience:',
        '  retry: { max_attempts: 1 }',
        '  circuit_breaker: { minimum_requests: 1000000 }',
        `  faq: [ { id: reset-password, keywords: [reset, password], answer: "${faqAnswer}" } ]`,
      ].join('\n'),
    });
  });
  beforeEach(() => harness.simulator.setFaults([]));
  afterAll(async () => harness.close());

  async function rowsOf(requestId: string | null): Promise<LedgerEntry[]> {
    return rowsByRequest(await harness.ledgerRows()).get(requestId ?? '') ?? [];
  }

  const failedModelRows = [
    ['primary', 'openai', 'gpt-4o-mini', 'error'],
    ['fallback:backup', 'anthropic', 'claude-sonnet-4-5', 'error'],
  ];

  it.each([
    ['non-streaming', false],
    ['streaming', true],
  ])('primary and fallback down (%s) → served by the simpler model, route degraded:simple', async (_name, stream) => {
    harness.simulator.setFaults([outage('gpt-4o-mini'), outage('claude-sonnet-4-5')]);
    const outcome = await chatOnce(harness.client, { model: 'main', stream, content: 'How do I reset my password?' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.text.length).toBeGreaterThan(0);
    expect(outcome.text).not.toBe(faqAnswer);
    const rows = await rowsOf(outcome.requestId);
    expect(rows.map((row) => [row.route, row.providerId, row.upstreamModel, row.status])).toEqual([
      ...failedModelRows,
      ['degraded:simple', 'openai', 'gpt-4.1-nano', 'ok'],
    ]);
    expect(rows[2]?.routeReason).toBe('every model failed (TG_ERR_UPSTREAM_OVERLOADED)');
    expect(outcome.route).toBe('degraded:simple');
  });

  it.each([
    ['non-streaming', false],
    ['streaming', true],
  ])('the simpler model down too, a matching FAQ entry (%s) → 200 with the FAQ answer, route faq, ledger provider tollgate at cost 0', async (_name, stream) => {
    harness.simulator.setFaults([outage('gpt-4o-mini'), outage('claude-sonnet-4-5'), outage('gpt-4.1-nano')]);
    const outcome = await chatOnce(harness.client, { model: 'main', stream, content: 'How do I reset my password?' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.text).toBe(faqAnswer);
    expect(outcome.route).toBe('faq');
    const rows = await rowsOf(outcome.requestId);
    expect(rows.map((row) => [row.route, row.providerId, row.upstreamModel, row.status])).toEqual([
      ...failedModelRows,
      ['degraded:simple', 'openai', 'gpt-4.1-nano', 'error'],
      ['faq', 'tollgate', 'tollgate-faq', 'ok'],
    ]);
    expect(rows[3]?.costNanos).toBe(0);
    expect(rows[3]?.priceUnknown).toBe(false);
  });

  it.each([
    ['non-streaming', false],
    ['streaming', true],
  ])('no FAQ match (%s) → 503 with a readable sentence that names the models tried', async (_name, stream) => {
    harness.simulator.setFaults([outage('gpt-4o-mini'), outage('claude-sonnet-4-5'), outage('gpt-4.1-nano')]);
    const outcome = await chatOnce(harness.client, { model: 'main', stream, content: 'What is the weather on Mars today?' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.status).toBe(503);
    expect(outcome.error).toBeInstanceOf(OpenAI.APIError);
    const message = (outcome.error as InstanceType<typeof OpenAI.APIError>).message;
    // A sentence an end user can read first (capital, words, full stop), then the technical detail.
    expect(message).toMatch(/^503 The assistant is temporarily unavailable\. Please try again in [\w ]+\./);
    for (const model of ['main', 'backup', 'simple']) expect(message).toContain(model);
    expect(message).not.toMatch(/sk-test-provider-key|sk-ant-test/);
    const rows = await rowsOf(outcome.requestId);
    expect(rows.slice(0, 3).map((row) => [row.route, row.upstreamModel, row.status])).toEqual([
      ['primary', 'gpt-4o-mini', 'error'],
      ['fallback:backup', 'claude-sonnet-4-5', 'error'],
      ['degraded:simple', 'gpt-4.1-nano', 'error'],
    ]);
    expect(rows.some((row) => row.status === 'ok')).toBe(false);
  });

  it('a request that failed on every rung has a known cost of 0: the FAQ lookup that matched nothing called no provider', async () => {
    harness.simulator.setFaults([outage('gpt-4o-mini'), outage('claude-sonnet-4-5'), outage('gpt-4.1-nano')]);
    const outcome = await chatOnce(harness.client, { model: 'main', stream: false, content: 'Which moon is the largest?' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    const rows = await rowsOf(outcome.requestId);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.map((row) => row.costNanos)).toEqual(rows.map(() => 0));
    expect((outcome.error as InstanceType<typeof OpenAI.APIError>).headers?.get('x-tollgate-cost-usd')).not.toBe('unknown');
  });
});

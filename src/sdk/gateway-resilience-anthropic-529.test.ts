import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../core/ledger-entry.js';
import { chatOnce, rowsByRequest, startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Fault injection, Anthropic's 529 `overloaded_error` on a Claude model with a fallback: the
 * official Anthropic SDK (through `/v1/messages`) and the OpenAI SDK both get the fallback's
 * answer; each 529 attempt is a ledger row with TG_ERR_UPSTREAM_OVERLOADED.
 */
describe('Anthropic 529 overloaded on a claude model with a fallback', () => {
  let harness: ResilienceHarness;
  let anthropic: Anthropic;
  beforeAll(async () => {
    harness = await startResilienceHarness({
      models: [
        'claude: { provider: anthropic, model: claude-sonnet-4-5, retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 2 }, fallbacks: [gpt] }',
        'gpt: { provider: openai, model: gpt-4o-mini }',
      ],
      extraYaml: 'resilience: { circuit_breaker: { minimum_requests: 1000000 } }',
    });
    anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'client-key', maxRetries: 0 });
  });
  beforeEach(() => harness.simulator.setFaults([{ model: 'claude-sonnet-4-5', fault: { status: 529 } }]));
  afterAll(async () => harness.close());

  async function rowsOf(requestId: string | null): Promise<LedgerEntry[]> {
    return rowsByRequest(await harness.ledgerRows()).get(requestId ?? '') ?? [];
  }

  /** Two attempts on claude (max_attempts 2), both overloaded, then the fallback serves. */
  function expectOverloadedThenFallback(rows: readonly LedgerEntry[], httpStatus: number | null): void {
    expect(rows.map((row) => [row.route, row.providerId, row.upstreamModel, row.status, row.errorCode, row.httpStatus])).toEqual([
      ['primary', 'anthropic', 'claude-sonnet-4-5', 'error', 'TG_ERR_UPSTREAM_OVERLOADED', httpStatus],
      ['retry', 'anthropic', 'claude-sonnet-4-5', 'error', 'TG_ERR_UPSTREAM_OVERLOADED', httpStatus],
      ['fallback:gpt', 'openai', 'gpt-4o-mini', 'ok', null, 200],
    ]);
    expect(rows[2]?.routeReason).toBe('overload on claude (TG_ERR_UPSTREAM_OVERLOADED)');
  }

  it('@anthropic-ai/sdk messages.create → 200 from the fallback, x-tollgate-route fallback:gpt', async () => {
    const { data, response } = await anthropic.messages
      .create({ model: 'claude', max_tokens: 256, messages: [{ role: 'user', content: 'Are you there?' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.content[0]?.type === 'text' && data.content[0].text.length > 0).toBe(true);
    expect(response.headers.get('x-tollgate-route')).toBe('fallback:gpt');
    expectOverloadedThenFallback(await rowsOf(response.headers.get('x-tollgate-request-id')), 529);
  });

  it('@anthropic-ai/sdk messages.stream → a clean stream from the fallback', async () => {
    const stream = anthropic.messages.stream({ model: 'claude', max_tokens: 256, messages: [{ role: 'user', content: 'Stream something.' }] });
    const message = await stream.finalMessage();
    expect(message.content[0]?.type === 'text' && message.content[0].text.length > 0).toBe(true);
    const { response } = await stream.withResponse();
    expectOverloadedThenFallback(await rowsOf(response.headers.get('x-tollgate-request-id')), 529);
    expect(response.headers.get('x-tollgate-route')).toBe('fallback:gpt');
  });

  it('the OpenAI SDK on the same model is served by the fallback too', async () => {
    const outcome = await chatOnce(harness.client, { model: 'claude', stream: false });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.route).toBe('fallback:gpt');
    expectOverloadedThenFallback(await rowsOf(outcome.requestId), 529);
  });

  it('an overloaded_error event inside the stream, before any text, fails over just the same', async () => {
    // Anthropic reports overload mid-stream as `event: error`; here it comes after message_start and content_block_start.
    harness.simulator.setFaults([{ model: 'claude-sonnet-4-5', fault: { status: 529, cutAfterChunks: 2 } }]);
    const stream = anthropic.messages.stream({ model: 'claude', max_tokens: 256, messages: [{ role: 'user', content: 'Stream again.' }] });
    const message = await stream.finalMessage();
    expect(message.content[0]?.type === 'text' && message.content[0].text.length > 0).toBe(true);
    const { response } = await stream.withResponse();
    // The 529 arrived inside a 200 stream, so the attempts carry no HTTP error status.
    expectOverloadedThenFallback(await rowsOf(response.headers.get('x-tollgate-request-id')), null);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

/** About 2,000 tokens of stable instructions: above Anthropic's 1,024-token minimum for Sonnet. */
const longSystemPrompt = Array.from({ length: 160 }, (_, line) => `Rule ${line + 1}: answer support questions about the billing product politely and precisely.`).join('\n');

describe('automatic Anthropic prompt caching', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({
      extraModels: '  claude-pair: { deployments: [ { provider: anthropic, model: claude-sonnet-4-5 }, { provider: anthropic, model: claude-sonnet-4-5-20250929 } ] }',
    });
  });
  afterAll(async () => harness.close());

  const ask = async (question: string, model = 'claude', extra: Record<string, unknown> = {}) => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tollgate-feature': 'prompt-cache-test' },
      body: JSON.stringify({ model, max_tokens: 200, messages: [{ role: 'system', content: longSystemPrompt }, { role: 'user', content: question }], ...extra }),
    });
    const body = (await response.json()) as { usage: { prompt_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } };
    return { status: response.status, requestId: response.headers.get('x-tollgate-request-id'), usage: body.usage };
  };

  it('marks a long system prompt so the next request reads it from the cache, and reports the saving', async () => {
    const first = await ask('How do I download an invoice?');
    const second = await ask('How do I change my billing address?');
    expect(first.status).toBe(200);
    expect(second.usage.prompt_tokens_details?.cached_tokens ?? 0).toBeGreaterThan(1_000);
    const rows = await harness.ledgerRows();
    const written = rows.find((row) => row.requestId === first.requestId);
    const read = rows.find((row) => row.requestId === second.requestId);
    expect((written?.cacheWrite5mTokens ?? 0) + (written?.cacheWrite1hTokens ?? 0)).toBeGreaterThan(1_000);
    expect(read?.cacheReadTokens).toBeGreaterThan(1_000);
    expect(read?.costAvoidedNanos).toBeGreaterThan(0);
    const report = await harness.running.gateway.ledgerStore.report({});
    expect(report.totals.savedByPromptCacheNanos).toBe(rows.filter((row) => row.cacheStatus === null).reduce((sum, row) => sum + row.costAvoidedNanos, 0));
    expect(report.totals.savedByPromptCacheNanos).toBeGreaterThan(0);
  });

  it('keeps requests sharing a cached prefix on one deployment of a balanced model', async () => {
    const servedBy = new Set<string | null>();
    for (let index = 0; index < 12; index += 1) {
      const response = await fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-pair', max_tokens: 100, messages: [{ role: 'system', content: longSystemPrompt }, { role: 'user', content: `question ${index}` }] }),
      });
      await response.arrayBuffer();
      servedBy.add(response.headers.get('x-tollgate-provider'));
    }
    expect(servedBy.size).toBe(1);
  });

  it("leaves a request that already carries cache_control, a short prompt, and non-Anthropic models alone", async () => {
    // The caller's own breakpoint (a 1-hour one) is kept as it is, not replaced by the default 5-minute one.
    const own = await ask('Where is my receipt?', 'claude', {
      messages: [
        { role: 'system', content: `${longSystemPrompt}\n(variant)`, cache_control: { type: 'ephemeral', ttl: '1h' } },
        { role: 'user', content: 'Where is my receipt?' },
      ],
    });
    expect(own.status).toBe(200);
    const short = await ask('hi', 'claude', { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    const shortAgain = await ask('hi', 'claude', { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    expect(short.status).toBe(200);
    expect(shortAgain.usage.prompt_tokens_details?.cached_tokens ?? 0).toBe(0);
    const rows = await harness.ledgerRows();
    const ownRow = rows.find((row) => row.requestId === own.requestId);
    expect(ownRow?.cacheWrite1hTokens).toBeGreaterThan(1_000);
    expect(ownRow?.cacheWrite5mTokens ?? 0).toBe(0);
    const shortRow = rows.find((row) => row.requestId === short.requestId);
    expect((shortRow?.cacheWrite5mTokens ?? 0) + (shortRow?.cacheWrite1hTokens ?? 0)).toBe(0);
  });
});

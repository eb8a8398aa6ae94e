import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { NANOS_PER_USD } from '../core/money.js';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';
import { boundInputTokens, estimateInputTokens } from '../pricing/estimate-input-tokens.js';

const USD = NANOS_PER_USD;
// $100 per million output tokens and free input: 1,000 max_tokens is a worst case of exactly $0.10.
const dearModel = '  dear: { provider: openai, model: gpt-4o, price: { input: 0, output: 100 } }';

function teamClient(harness: GatewayHarness, team: string, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'client-key', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': team, ...headers } });
}

async function failureOf(promise: Promise<unknown>): Promise<{ status: number; code: string; message: string; error: Record<string, unknown>; headers: Headers } | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => error as { status: number; code: string; message: string; error: Record<string, unknown>; headers: Headers },
  );
}

describe('budgets on the embedded default (SQLite counters)', () => {
  let harness: GatewayHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('admits at most 50 of 1,000 concurrent $0.10 requests against $5.00, never holding more than the cap, and settles to the ledger', async () => {
    harness = await startGatewayHarness({
      extraModels: dearModel,
      // Every answer waits, so all 1,000 reservations meet while the admitted calls are in flight.
      // Answers settle at their actual (smaller) cost and free budget for later requests, so the
      // wait must outlast the arrival of all 1,000 even on a loaded machine (2.5 s did not).
      simulator: { faults: [{ model: 'gpt-4o', fault: { delayMs: 6_000 } }] },
      extraYaml: 'budgets:\n  - { id: search-daily, scope: { team: search }, limit_usd: 5, window: daily }',
    });
    const running = harness.running;
    const budget = running.gateway.budgetRules.find((rule) => rule.id === 'search-daily');
    if (budget === undefined) throw new Error('budget missing');
    const client = teamClient(harness, 'search');
    let sampling = true;
    let highWater = 0;
    const sampler = (async () => {
      while (sampling) {
        const status = await running.gateway.budgets.engine.status(budget);
        highWater = Math.max(highWater, status.spent + status.reserved);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, () =>
        client.chat.completions.create({ model: 'dear', max_tokens: 1_000, messages: [{ role: 'user', content: 'hello' }] }).then(
          () => 'ok' as const,
          (error: { code?: string }) => error.code ?? 'unknown',
        ),
      ),
    );
    sampling = false;
    await sampler;
    const admitted = outcomes.filter((outcome) => outcome === 'ok').length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThanOrEqual(50);
    expect(outcomes.filter((outcome) => outcome !== 'ok').every((outcome) => outcome === 'TG_ERR_BUDGET_EXCEEDED')).toBe(true);
    expect(highWater).toBeLessThanOrEqual(5 * USD);

    const rows = await harness.ledgerRows();
    const ledgerSum = rows.filter((row) => row.team === 'search').reduce((sum, row) => sum + (row.costNanos ?? 0), 0);
    const final = await running.gateway.budgets.engine.status(budget);
    expect(final.reserved).toBe(0);
    expect(final.spent).toBe(ledgerSum);
  }, 60_000);

  it('answers 429 with the remaining amount and the reset time, and says which budget', async () => {
    harness = await startGatewayHarness({ extraModels: dearModel, extraYaml: 'budgets:\n  - { scope: { user: "*" }, limit_usd: 0.05, window: daily }' });
    const client = teamClient(harness, 'any', { 'x-tollgate-user': 'ada' });
    const refused = await failureOf(client.chat.completions.create({ model: 'dear', max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] }));
    expect(refused).toMatchObject({ status: 429, code: 'TG_ERR_BUDGET_EXCEEDED' });
    expect(refused?.error).toMatchObject({ budget_id: 'user-each-daily-usd-1:ada', remaining_unit: 'nano_usd' });
    expect(refused?.error).toMatchObject({ remaining: 50_000_000, remaining_usd: '0.050000000', limit: 50_000_000 });
    expect(refused?.error['reset_at']).toBe(new Date(Math.ceil((Date.now() + 1) / 86_400_000) * 86_400_000).toISOString());
    expect(refused?.message).toMatch(/remain until/);
    // Each user has their own budget: another user is still admitted.
    const other = teamClient(harness, 'any', { 'x-tollgate-user': 'grace' });
    await expect(other.chat.completions.create({ model: 'dear', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    // A smaller max_tokens fits in what remains.
    await expect(client.chat.completions.create({ model: 'dear', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });

  it('counts a short prompt exactly when its cheap bound would be refused', async () => {
    const body = { model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Give me one sentence about the sea.' }] };
    const exact = estimateInputTokens(body);
    expect(boundInputTokens(body)).toBeGreaterThan(exact);
    harness = await startGatewayHarness({ extraYaml: `budgets:\n  - { scope: { team: exact }, limit_tokens: ${exact + 50}, window: daily }` });
    await expect(teamClient(harness, 'exact').chat.completions.create(body)).resolves.toBeDefined();
  });

  it('refuses a model without a price when a USD budget applies, and passes it when none does', async () => {
    harness = await startGatewayHarness({ extraYaml: 'budgets:\n  - { scope: { team: search }, limit_usd: 5, window: monthly }' });
    const refused = await failureOf(teamClient(harness, 'search').chat.completions.create({ model: 'mystery', messages: [{ role: 'user', content: 'hi' }] }));
    expect(refused).toMatchObject({ status: 400, code: 'TG_ERR_UNPRICED_MODEL' });
    expect(refused?.message).toMatch(/models\.mystery\.price/);
    await expect(teamClient(harness, 'other').chat.completions.create({ model: 'mystery', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });

  it('degrades to cheaper tiers as the budget fills, then rejects when even the cheapest cannot fit', async () => {
    harness = await startGatewayHarness({
      extraModels: [
        '  premium: { provider: openai, model: gpt-4o, price: { input: 0, output: 100 }, budget_tiers: [ { at: 0.5, model: mid }, { at: 0.8, model: budget } ] }',
        '  mid: { provider: openai, model: gpt-4o-mini, price: { input: 0, output: 10 } }',
        '  budget: { provider: openai, model: gpt-4.1-nano, price: { input: 0, output: 1 } }',
      ].join('\n'),
      extraYaml: 'budgets:\n  - { id: team-tiered, scope: { team: search }, limit_tokens: 100000, window: daily, on_exceed: degrade }',
    });
    const client = teamClient(harness, 'search');
    const ask = async () => {
      const { response } = await client.chat.completions.create({ model: 'premium', max_tokens: 5_000, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      return response.headers.get('x-tollgate-provider');
    };
    // 100,000 tokens; each request reserves ~5,000 and spends far less, so the budget is filled
    // with reservations held through the engine, as long-running calls would hold it.
    const engine = harness.running.gateway.budgets.engine;
    const rule = harness.running.gateway.budgetRules.find((candidate) => candidate.id === 'team-tiered');
    if (rule === undefined) throw new Error('budget missing');
    expect(await ask()).toBe('openai/gpt-4o');
    await engine.reserve('hold-1', [rule], { nanos: 0, tokens: 55_000, requests: 1 });
    expect(await ask()).toBe('openai/gpt-4o-mini');
    await engine.reserve('hold-2', [rule], { nanos: 0, tokens: 25_000, requests: 1 });
    expect(await ask()).toBe('openai/gpt-4.1-nano');
    await engine.reserve('hold-3', [rule], { nanos: 0, tokens: 16_000, requests: 1 });
    const refused = await failureOf(client.chat.completions.create({ model: 'premium', max_tokens: 5_000, messages: [{ role: 'user', content: 'hi' }] }));
    expect(refused).toMatchObject({ status: 429, code: 'TG_ERR_BUDGET_EXCEEDED' });
    const rows = await harness.ledgerRows();
    expect(rows.filter((row) => row.team === 'search').map((row) => row.upstreamModel)).toEqual(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1-nano']);
  });
});

describe('rate limits', () => {
  let harness: GatewayHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('counts requests per minute per user, with x-ratelimit headers and retry-after on 429', async () => {
    harness = await startGatewayHarness({ extraYaml: 'rate_limits:\n  - { scope: { user: "*" }, requests_per_minute: 3, tokens_per_minute: 1000000 }' });
    const client = teamClient(harness, 'any', { 'x-tollgate-user': 'ada' });
    const remaining: Array<string | null> = [];
    for (let index = 0; index < 3; index += 1) {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('1000000');
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await failureOf(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(refused).toMatchObject({ status: 429, code: 'TG_ERR_RATE_LIMITED' });
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    // Another user has their own allowance.
    await expect(teamClient(harness, 'any', { 'x-tollgate-user': 'grace' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });
});

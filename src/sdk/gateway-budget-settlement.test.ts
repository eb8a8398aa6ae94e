import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../testing/simulator/seeded-random.js';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

/** Deterministic "random" draws (mulberry32), the same every run. */
function seededRandom(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => random.next();
}

type Kind = 'ok' | 'abort' | 'error' | 'cut';

describe('budget settlement under aborts, upstream errors and cut streams (embedded SQLite counters)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    const price = 'price: { input: 0.15, output: 0.6 }';
    harness = await startGatewayHarness({
      // Faults by upstream model name: the gateway never forwards client headers upstream.
      extraModels: [
        `  failing: { provider: openai, model: gpt-4o-mini-failing, ${price} }`,
        `  cutting: { provider: openai, model: gpt-4o-mini-cutting, ${price} }`,
        `  slow: { provider: openai, model: gpt-4o-mini-slow, ${price} }`,
      ].join('\n'),
      simulator: {
        faults: [
          { model: 'gpt-4o-mini-failing', fault: { status: 500 } },
          { model: 'gpt-4o-mini-cutting', fault: { cutAfterChunks: 3 } },
          { model: 'gpt-4o-mini-slow', fault: { delayMs: 40 } },
        ],
      },
      extraYaml: [
        // The breaker would eject the failing models; here every failure should reach the provider.
        'resilience: { retry: { max_attempts: 1 }, circuit_breaker: { minimum_requests: 1000000, consecutive_connect_errors: 1000000 } }',
        'budgets:',
        '  - { id: soak, scope: { team: soak }, limit_usd: 10000, window: monthly }',
        '  - { id: soak-tokens, scope: { team: soak }, limit_tokens: 1000000000, window: daily }',
      ].join('\n'),
    });
  });
  afterAll(async () => harness.close());

  it('5,000 requests (20 % aborted, 10 % failing before the first chunk, 5 % cut mid-stream): nothing stays reserved and the counters equal the ledger', async () => {
    const random = seededRandom(7);
    const total = 5_000;
    const kinds: Kind[] = Array.from({ length: total }, () => {
      const draw = random();
      return draw < 0.2 ? 'abort' : draw < 0.3 ? 'error' : draw < 0.35 ? 'cut' : 'ok';
    });
    const started = Date.now();
    let next = 0;
    const outcomes: Record<string, number> = {};
    const worker = async () => {
      while (next < total) {
        const index = next++;
        const kind = kinds[index] as Kind;
        const stream = index % 2 === 0 || kind === 'cut';
        const controller = new AbortController();
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-tollgate-team': 'soak' };
        // Aborts land before the first byte (on a slow answer) or while the answer streams.
        const model = kind === 'error' ? 'failing' : kind === 'cut' ? 'cutting' : kind === 'abort' && index % 4 === 0 ? 'slow' : 'gpt-4o-mini';
        const body = JSON.stringify({ model, stream, max_tokens: 200, messages: [{ role: 'user', content: `request ${index}: a few sentences please` }] });
        const timer = kind === 'abort' ? setTimeout(() => controller.abort(), index % 4 === 0 ? 15 : 1 + (index % 5)) : undefined;
        try {
          const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers, body, signal: controller.signal });
          await response.arrayBuffer();
          outcomes[`${kind}:${response.status}`] = (outcomes[`${kind}:${response.status}`] ?? 0) + 1;
        } catch {
          outcomes[`${kind}:aborted`] = (outcomes[`${kind}:aborted`] ?? 0) + 1;
        } finally {
          clearTimeout(timer);
        }
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    // Quiescence: aborted requests finish settling once their upstream calls are cancelled.
    const engine = harness.running.gateway.budgets.engine;
    const rules = harness.running.gateway.budgetRules;
    const soak = rules.find((rule) => rule.id === 'soak');
    const tokens = rules.find((rule) => rule.id === 'soak-tokens');
    if (soak === undefined || tokens === undefined) throw new Error('budgets missing');
    let status = await engine.status(soak);
    for (let wait = 0; wait < 100 && status.reserved !== 0; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await engine.status(soak);
    }
    const rows = (await harness.ledgerRows()).filter((row) => row.team === 'soak');
    const ledgerNanos = rows.reduce((sum, row) => sum + (row.costNanos ?? 0), 0);
    const tokenStatus = await engine.status(tokens);
    console.log(
      `settlement soak: ${total} requests in ${Date.now() - started} ms, ${rows.length} ledger rows, ` +
        `ledger $${(ledgerNanos / 1e9).toFixed(9)} = counters $${(status.spent / 1e9).toFixed(9)}, reserved ${status.reserved}; outcomes ${JSON.stringify(outcomes)}`,
    );
    expect(status.reserved).toBe(0);
    expect(tokenStatus.reserved).toBe(0);
    expect(status.spent).toBe(ledgerNanos);
    expect(rows.length).toBeGreaterThanOrEqual(total * 0.9);
    expect(rows.some((row) => row.status === 'aborted')).toBe(true);
    expect(rows.some((row) => row.errorCode === 'TG_ERR_STREAM_INTERRUPTED' && (row.costNanos ?? 0) > 0)).toBe(true);
    expect(rows.some((row) => row.errorCode === 'TG_ERR_UPSTREAM_SERVER')).toBe(true);
  }, 180_000);
});

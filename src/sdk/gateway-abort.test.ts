import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSimulatorModels } from '../testing/simulator/simulator-models.js';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';
import type { LedgerEntry } from '../core/ledger-entry.js';

async function waitForRow(harness: GatewayHarness, predicate: (row: LedgerEntry) => boolean): Promise<LedgerEntry> {
  for (let tries = 0; tries < 100; tries++) {
    const row = (await harness.ledgerRows()).find(predicate);
    if (row !== undefined) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('ledger row never appeared');
}

describe('a client that goes away', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({
      simulator: { models: { ...defaultSimulatorModels, 'gpt-4o': { kind: 'chat', timeToFirstTokenMs: 300, tokensPerSecond: 40 } } },
    });
  });
  afterAll(async () => harness.close());

  it('reports overhead without the provider\'s time (300 ms to first token here), streaming or not', async () => {
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, stream: true })
      .withResponse();
    for await (const chunk of stream) void chunk;
    expect(Number(response.headers.get('x-tollgate-overhead-ms'))).toBeLessThan(300);
    const { response: plain } = await harness.client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 })
      .withResponse();
    expect(Number(plain.headers.get('x-tollgate-overhead-ms'))).toBeLessThan(300);
  });

  it('aborts a non-streaming call upstream and records the attempt as aborted', async () => {
    const controller = new AbortController();
    const call = harness.client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'slow please' }], max_tokens: 50 },
      { signal: controller.signal, headers: { 'x-tollgate-feature': 'abort-non-stream' } },
    );
    setTimeout(() => controller.abort(), 100);
    await expect(call).rejects.toThrow();
    const row = await waitForRow(harness, (entry) => entry.feature === 'abort-non-stream');
    expect(row).toMatchObject({ status: 'aborted', errorCode: 'TG_ERR_CLIENT_ABORTED', costNanos: null, stream: false });
    expect(row.latencyMs).toBeLessThan(290);
  });

  it('stops a stream the client abandons and records it as aborted', async () => {
    const controller = new AbortController();
    const stream = await harness.client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'a long story' }], max_tokens: 200, stream: true },
      { signal: controller.signal, headers: { 'x-tollgate-feature': 'abort-stream' } },
    );
    let chunks = 0;
    try {
      for await (const chunk of stream) {
        void chunk;
        if (++chunks === 2) controller.abort();
      }
    } catch {
      // the SDK reports the abort
    }
    const row = await waitForRow(harness, (entry) => entry.feature === 'abort-stream');
    expect(row).toMatchObject({ status: 'aborted', stream: true });
    expect(row.latencyMs).toBeLessThan(200 / 40 * 1000);
    const after = await harness.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still serving?' }] });
    expect(after.choices).toHaveLength(1);
  });
});

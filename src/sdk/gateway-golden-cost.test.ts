import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { startFixedUsageUpstream, type FixedUsageUpstream } from '../testing/golden/fixed-usage-upstream.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

/**
 * One logical request through OpenAI, Anthropic and Gemini deployments; each upstream reports the
 * fixed usage in `fixed-usage-upstream.ts`. Golden values, by hand, from @pydantic/genai-prices:
 *
 * gpt-4o (2.50 / cached 1.25 / output 10 $/MTok → 2500 / 1250 / 10000 nanos per token; reasoning bills as output):
 *   800 × 2500 + 200 × 1250 + (70 + 30) × 10000 = 2,000,000 + 250,000 + 1,000,000 = 3,250,000
 * claude-sonnet-4-5 (3 / write-5m 3.75 / write-1h 6 / read 0.30 / output 15 $/MTok):
 *   800 × 3000 + 150 × 300 + 50 × 3750 + 30 × 6000 + 100 × 15000
 *   = 2,400,000 + 45,000 + 187,500 + 180,000 + 1,500,000 = 4,312,500
 * gemini-2.5-flash (0.30 / cached 0.03 / output 2.50 $/MTok; thoughts bill as output):
 *   800 × 300 + 200 × 30 + (80 + 20) × 2500 = 240,000 + 6,000 + 250,000 = 496,000
 */
const golden = {
  'via-openai': {
    buckets: { inputTokens: 800, cacheReadTokens: 200, cacheWrite5mTokens: null, cacheWrite1hTokens: null, outputTokens: 70, reasoningTokens: 30 },
    costNanos: 3_250_000,
  },
  'via-anthropic': {
    buckets: { inputTokens: 800, cacheReadTokens: 150, cacheWrite5mTokens: 50, cacheWrite1hTokens: 30, outputTokens: 100, reasoningTokens: null },
    costNanos: 4_312_500,
  },
  'via-gemini': {
    buckets: { inputTokens: 800, cacheReadTokens: 200, cacheWrite5mTokens: null, cacheWrite1hTokens: null, outputTokens: 80, reasoningTokens: 20 },
    costNanos: 496_000,
  },
} as const;

describe('golden costs: the same request through OpenAI, Anthropic and Gemini deployments', () => {
  let upstream: FixedUsageUpstream;
  let running: RunningGateway;
  let client: OpenAI;
  let directory: string;

  beforeAll(async () => {
    upstream = await startFixedUsageUpstream();
    directory = mkdtempSync(join(tmpdir(), 'tollgate-golden-'));
    const yaml = [
      'providers:',
      `  openai: { kind: openai, base_url: "${upstream.origin}/v1", api_key: sk-o }`,
      `  anthropic: { kind: anthropic, base_url: "${upstream.origin}", api_key: sk-a }`,
      `  gemini: { kind: gemini, base_url: "${upstream.origin}/v1beta", api_key: sk-g }`,
      'models:',
      '  via-openai: { provider: openai, model: gpt-4o }',
      '  via-anthropic: { provider: anthropic, model: claude-sonnet-4-5 }',
      '  via-gemini: { provider: gemini, model: gemini-2.5-flash }',
      'store: { kind: sqlite, path: ./ledger.db }',
    ].join('\n');
    running = await startGateway({ config: parseConfig(yaml, { env: {}, baseDirectory: directory }), port: 0, host: '127.0.0.1' });
    client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => {
    await running.shutdown();
    await upstream.close();
    rmSync(directory, { recursive: true, force: true });
  });

  for (const [model, expected] of Object.entries(golden)) {
    for (const stream of [false, true]) {
      it(`${model}, ${stream ? 'streaming' : 'non-streaming'}: buckets and nano-dollars match by hand`, async () => {
        const messages = [{ role: 'user' as const, content: 'Say hello.' }];
        let requestId: string | null;
        if (stream) {
          const { data, response } = await client.chat.completions.create({ model, messages, stream: true }).withResponse();
          let text = '';
          for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
          expect(text).toBe('Hello.');
          requestId = response.headers.get('x-tollgate-request-id');
        } else {
          const { data, response } = await client.chat.completions.create({ model, messages }).withResponse();
          expect(data.choices[0]?.message.content).toBe('Hello.');
          expect(response.headers.get('x-tollgate-cost-usd')).toBe((expected.costNanos / 1e9).toFixed(9));
          requestId = response.headers.get('x-tollgate-request-id');
        }
        await running.gateway.ledgerWriter.flush();
        const rows = await running.gateway.ledgerStore.list({ requestId: requestId ?? '' });
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ ...expected.buckets, costNanos: expected.costNanos, priceUnknown: false, status: 'ok', stream });
      });
    }
  }
});

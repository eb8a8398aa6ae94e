import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createProviderSimulator, type ProviderSimulator } from '../testing/simulator/provider-simulator.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

describe('exact response cache on the embedded default (SQLite), across a restart', () => {
  let simulator: ProviderSimulator;
  let directory: string;
  let yaml: string;
  let running: RunningGateway | undefined;

  beforeEach(async () => {
    simulator = createProviderSimulator({ acceptAnyModel: true });
    const { url } = await simulator.listen(0, '127.0.0.1');
    directory = mkdtempSync(join(tmpdir(), 'tollgate-cache-restart-'));
    yaml = [
      'providers:',
      `  openai: { kind: openai, base_url: "${url}", api_key: sk-test }`,
      'models:',
      '  gpt-4o-mini: openai',
      'store: { kind: sqlite, path: ./tollgate.db }',
      'ledger: { flush_interval_ms: 5 }',
      'cache: { exact: { ttl_ms: 600000, scope: global } }',
    ].join('\n');
  });

  afterEach(async () => {
    await running?.shutdown();
    running = undefined;
    await simulator.close(0);
    rmSync(directory, { recursive: true, force: true });
  });

  async function start(): Promise<RunningGateway> {
    return startGateway({ config: parseConfig(yaml, { env: {}, baseDirectory: directory }), port: 0, host: '127.0.0.1' });
  }

  async function ask(gateway: RunningGateway, content: string): Promise<{ text: string; cache: string | null; requestId: string | null }> {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 200 })
      .withResponse();
    return { text: data.choices[0]?.message.content ?? '', cache: response.headers.get('x-tollgate-cache'), requestId: response.headers.get('x-tollgate-request-id') };
  }

  it('answers from the cache after a restart, without calling the provider, and records the hit with the cost it avoided', async () => {
    running = await start();
    const first = await ask(running, 'remember me across a restart');
    expect(first.cache).toBe('miss');
    expect(simulator.stats().totalRequests).toBe(1);
    await running.shutdown();

    running = await start();
    const again = await ask(running, 'remember me across a restart');
    expect(again).toMatchObject({ cache: 'hit', text: first.text });
    expect(simulator.stats().totalRequests).toBe(1);
    expect((await ask(running, 'a new question')).cache).toBe('miss');
    expect(simulator.stats().totalRequests).toBe(2);

    await running.gateway.ledgerWriter.flush();
    const rows = await running.gateway.ledgerStore.list({});
    const original = rows.find((row) => row.requestId === first.requestId);
    const hit = rows.find((row) => row.requestId === again.requestId);
    expect(original).toMatchObject({ cacheStatus: 'miss' });
    expect(original?.costNanos).toBeGreaterThan(0);
    expect(hit).toMatchObject({ cacheStatus: 'hit', costNanos: 0, providerId: 'tollgate', upstreamModel: 'exact-cache', costAvoidedNanos: original?.costNanos });
  });
});

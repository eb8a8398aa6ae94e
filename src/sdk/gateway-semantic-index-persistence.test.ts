import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import type { ChatRequestBody } from '../core/chat-request.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../pipeline/cache/semantic/default-threshold.js';
import { createHashedNgramEmbedder } from '../pipeline/cache/semantic/hashed-ngram-embedder.js';
import { createSemanticMatcher } from '../pipeline/cache/semantic/semantic-matcher.js';
import { openSqliteSemanticIndex } from '../stores/sqlite/sqlite-semantic-index.js';
import { createProviderSimulator, type ProviderSimulator } from '../testing/simulator/provider-simulator.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

describe('semantic index on the embedded default (SQLite), across a restart', () => {
  let simulator: ProviderSimulator;
  let simulatorUrl: string;
  let directory: string;
  let running: RunningGateway | undefined;

  beforeEach(async () => {
    simulator = createProviderSimulator({ acceptAnyModel: true });
    simulatorUrl = (await simulator.listen(0, '127.0.0.1')).url;
    directory = mkdtempSync(join(tmpdir(), 'tollgate-semantic-restart-'));
  });

  afterEach(async () => {
    await running?.shutdown();
    running = undefined;
    await simulator.close(0);
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps the prompts the gateway indexed in its SQLite file, where a reworded question still finds them', async () => {
    const yaml = [
      'providers:',
      `  openai: { kind: openai, base_url: "${simulatorUrl}", api_key: sk-test }`,
      'models:',
      '  gpt-4o-mini: openai',
      'store: { kind: sqlite, path: ./tollgate.db }',
      'ledger: { flush_interval_ms: 5 }',
      'cache: { exact: { scope: global }, semantic: { models: [gpt-4o-mini] } }',
    ].join('\n');
    running = await startGateway({ config: parseConfig(yaml, { env: {}, baseDirectory: directory }), port: 0, host: '127.0.0.1' });
    const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How do I reset my password?' }] }).withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('miss');
    // The answer is stored, then its prompt indexed, after the response is sent.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await running.shutdown();
    running = undefined;

    const embedder = createHashedNgramEmbedder();
    const index = openSqliteSemanticIndex({ path: join(directory, 'tollgate.db'), embedderId: embedder.id, dimensions: embedder.dimensions, maxEntries: 100_000 });
    try {
      expect(index.size()).toBe(1);
      const matcher = createSemanticMatcher({ embedder, threshold: DEFAULT_SEMANTIC_THRESHOLD, models: new Set(['gpt-4o-mini']), index });
      const reworded = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'how do i reset my password' }] } as ChatRequestBody;
      const candidates = (await matcher.probe(reworded, 't:global:global|ns:default'))?.candidates();
      expect(candidates).toEqual([expect.objectContaining({ text: 'How do I reset my password?' })]);
      expect(candidates?.[0]?.exactKey).toMatch(/^t:global:global\|ns:default\|/);
    } finally {
      index.close();
    }
  });
});

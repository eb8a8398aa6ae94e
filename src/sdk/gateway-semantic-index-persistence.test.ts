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

  const yamlWith = (semantic: string, store = 'store: { kind: sqlite, path: ./tollgate.db }') =>
    [
      'providers:',
      `  openai: { kind: openai, base_url: "${simulatorUrl}", api_key: sk-test }`,
      'models:',
      '  gpt-4o-mini: openai',
      store,
      'ledger: { flush_interval_ms: 5 }',
      `cache: { exact: { scope: global }, semantic: ${semantic} }`,
    ].join('\n');

  const ask = async (content: string) => {
    const client = new OpenAI({ baseURL: `${running!.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 1000, messages: [{ role: 'user', content }] }).withResponse();
    // The answer is stored, then its prompt indexed, after the response is sent.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { text: data.choices[0]?.message.content, cache: response.headers.get('x-tollgate-cache') };
  };

  const restart = async (yaml: string) => {
    await running?.shutdown();
    running = await startGateway({ config: parseConfig(yaml, { env: {}, baseDirectory: directory }), port: 0, host: '127.0.0.1' });
  };

  it('answers a reworded question after a restart from the answer stored before it, without calling the provider', async () => {
    const yaml = yamlWith('{ models: [gpt-4o-mini] }');
    await restart(yaml);
    const first = await ask('How do I reset my password?');
    expect(first.cache).toBe('miss');
    await restart(yaml);
    const calls = simulator.stats().totalRequests;
    expect(await ask('how do i reset my password')).toEqual({ text: first.text, cache: 'semantic-hit' });
    expect(simulator.stats().totalRequests).toBe(calls);
  });

  it('index: memory keeps the index in process beside a SQLite store: after a restart only exact repeats hit', async () => {
    const yaml = yamlWith('{ models: [gpt-4o-mini], index: memory }');
    await restart(yaml);
    await ask('How do I reset my password?');
    await restart(yaml);
    expect((await ask('how do i reset my password')).cache).toBe('miss');
    expect((await ask('How do I reset my password?')).cache).toBe('hit');
  });

  it('index: sqlite needs a SQLite store file, and says so at start', async () => {
    await expect(startGateway({ config: parseConfig(yamlWith('{ models: [gpt-4o-mini], index: sqlite }', 'store: { kind: memory }'), { env: {}, baseDirectory: directory }), port: 0, host: '127.0.0.1' })).rejects.toThrow(
      /cache\.semantic\.index: sqlite keeps the index in the store's SQLite file, and this store is kind memory/,
    );
  });
});

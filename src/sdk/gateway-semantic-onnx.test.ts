import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';
import { writeTinyOnnxModel } from '../testing/tiny-onnx-model.js';

describe('semantic cache with a local ONNX model folder (cache.semantic.embedder.onnx)', () => {
  const modelFolder = mkdtempSync(join(tmpdir(), 'tollgate-onnx-gateway-'));
  let harness: GatewayHarness;
  let client: OpenAI;

  beforeAll(async () => {
    writeTinyOnnxModel(modelFolder);
    harness = await startGatewayHarness({
      extraYaml: `cache: { exact: { scope: global }, semantic: { models: [gpt-4o-mini], threshold: 0.99, embedder: { onnx: ${JSON.stringify(modelFolder)} } } }`,
    });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await harness.close();
    rmSync(modelFolder, { recursive: true, force: true });
  });

  const ask = async (content: string) => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 1000 }).withResponse();
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { text: data.choices[0]?.message.content, cache: response.headers.get('x-tollgate-cache'), similarity: response.headers.get('x-tollgate-cache-similarity') };
  };

  it('embeds prompts with the local model: the same tokens in other bytes hit, other words miss', async () => {
    const first = await ask('How do I reset my password?');
    expect(first.cache).toBe('miss');
    // Other bytes (so not an exact hit), the same lower-cased WordPiece tokens: similarity 1.
    const sameTokens = await ask('how do i reset MY password?');
    expect(sameTokens).toMatchObject({ cache: 'semantic-hit', text: first.text });
    expect(Number(sameTokens.similarity)).toBeGreaterThanOrEqual(0.99);
    expect((await ask('Write a poem about the cat!')).cache).toBe('miss');
    const rows = await harness.ledgerRows();
    expect(rows.filter((row) => row.cacheStatus === 'semantic-hit')).toHaveLength(1);
  });
});

describe('cache.semantic.embedder.onnx: a folder without a model fails at start, naming it', () => {
  it('rejects the config', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tollgate-onnx-empty-'));
    try {
      await expect(
        startGatewayHarness({ extraYaml: `cache: { exact: {}, semantic: { models: [gpt-4o-mini], embedder: { onnx: ${JSON.stringify(empty)} } } }` }),
      ).rejects.toThrow(/cache\.semantic\.embedder\.onnx: .*model\.onnx/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

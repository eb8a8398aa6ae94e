import { describe, expect, it } from 'vitest';
import { createModelResolver, createProviderSimulator, defaultSimulatorModels } from './index.js';
import { outputMilliseconds } from './simulator-models.js';

describe('createModelResolver', () => {
  it('answers a table entry only on its own API', () => {
    const resolve = createModelResolver({ models: defaultSimulatorModels });
    expect(resolve('claude-opus-4-1', 'anthropic')).toMatchObject({ api: 'anthropic', minimumCacheableTokens: 1024, responseModel: 'claude-opus-4-1-20250805' });
    expect(resolve('claude-haiku-4-5', 'anthropic')?.minimumCacheableTokens).toBe(4096);
    expect(resolve('claude-3-5-haiku-latest', 'anthropic')).toMatchObject({ thinking: 'unsupported', minimumCacheableTokens: 2048 });
    expect(resolve('gemini-2.5-pro', 'gemini')).toMatchObject({ api: 'gemini', thinking: 'always', minimumCacheableTokens: 2048 });
    expect(resolve('gemini-2.0-flash', 'gemini')?.minimumCacheableTokens).toBeUndefined();
    expect(resolve('claude-opus-4-1')).toBeUndefined();
    expect(resolve('gemini-2.5-flash', 'anthropic')).toBeUndefined();
    expect(resolve('gpt-4o', 'gemini')).toBeUndefined();
    expect(resolve('gpt-4o')).toBe(defaultSimulatorModels['gpt-4o']);
  });

  it('lets acceptAnyModel admit names per API as a generic model of that API', () => {
    const resolve = createModelResolver({ models: defaultSimulatorModels, acceptAnyModel: 'sim-*' });
    expect(resolve('sim-claude', 'anthropic')).toMatchObject({ api: 'anthropic', thinking: 'on-request', minimumCacheableTokens: 1024 });
    expect(resolve('sim-gemini', 'gemini')).toMatchObject({ api: 'gemini', thinking: 'unsupported' });
    expect(resolve('sim-gpt')?.api).toBeUndefined();
    expect(resolve('other', 'anthropic')).toBeUndefined();
    const everything = createModelResolver({ models: defaultSimulatorModels, acceptAnyModel: true });
    expect(everything('claude-opus-4-1')).toMatchObject({ kind: 'chat', timeToFirstTokenMs: 0 });
    expect(everything('claude-opus-4-1')?.api).toBeUndefined();
  });

  it('treats entries without an api as OpenAI models, and times output at the model speed', () => {
    const resolve = createModelResolver({ models: { custom: { kind: 'chat', timeToFirstTokenMs: 5, tokensPerSecond: 50 } } });
    expect(resolve('custom')?.tokensPerSecond).toBe(50);
    expect(resolve('custom', 'anthropic')).toBeUndefined();
    expect(outputMilliseconds({ kind: 'chat', timeToFirstTokenMs: 0, tokensPerSecond: 50 }, 10)).toBe(200);
    expect(outputMilliseconds(defaultSimulatorModels['claude-opus-4-1'] ?? { kind: 'chat', timeToFirstTokenMs: 1, tokensPerSecond: 1 }, 10)).toBe(0);
  });
});

describe('GET /v1/models', () => {
  it('lists only the OpenAI models of the table', async () => {
    const simulator = createProviderSimulator();
    const { url } = await simulator.listen();
    try {
      const list = (await (await fetch(`${url}/models`, { headers: { authorization: 'Bearer x' } })).json()) as { data: { id: string }[] };
      const ids = list.data.map((model) => model.id);
      expect(ids).toContain('gpt-4o');
      expect(ids.some((id) => id.startsWith('claude') || id.startsWith('gemini'))).toBe(false);
      expect((await fetch(`${url}/models/claude-opus-4-1`, { headers: { authorization: 'Bearer x' } })).status).toBe(404);
    } finally {
      await simulator.close();
    }
  });
});

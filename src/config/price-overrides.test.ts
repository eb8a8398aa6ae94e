import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.js';
import { collectPriceOverrides, findPriceConflicts } from './price-overrides.js';

describe('collectPriceOverrides', () => {
  it('keys every configured price by provider/model, model-level prices included', () => {
    const config = parseConfig(
      `providers:
  openai: { kind: openai }
  local: { kind: openai-compatible, base_url: http://127.0.0.1:8000/v1 }
models:
  gpt-4o-mini: openai
  smart:
    deployments:
      - { provider: openai, model: gpt-4o, price: { input: 2, output: 8 } }
      - { provider: local, model: qwen }
    price: { free: true }
`,
      { env: {}, baseDirectory: '/srv' },
    );
    const overrides = collectPriceOverrides(config.models);
    expect([...overrides.keys()]).toEqual(['openai/gpt-4o', 'local/qwen']);
    expect(overrides.get('openai/gpt-4o')).toMatchObject({ input: 2, output: 8 });
    expect(overrides.get('local/qwen')).toEqual({ free: true });
  });
});

describe('findPriceConflicts', () => {
  it('accepts the same price twice and flags a different one', () => {
    const price = { input: 2, cacheRead: undefined, cacheWrite: undefined, cacheWrite1h: undefined, output: undefined, reasoning: undefined };
    const deployment = { provider: 'openai', model: 'gpt-4o', price };
    const resilience = { fallbacks: [], contextWindowFallback: undefined, contentPolicyFallback: undefined, degradeTo: undefined, loadBalancing: undefined, timeouts: undefined, retry: undefined };
    const same = [
      { name: 'a', deployments: [{ ...deployment, weight: 1 }], price: undefined, budgetTiers: [], resilience },
      { name: 'b', deployments: [{ ...deployment, weight: 1 }], price: undefined, budgetTiers: [], resilience },
    ];
    expect(findPriceConflicts(same)).toEqual([]);
    const different = [...same, { name: 'c', deployments: [{ ...deployment, weight: 1, price: { free: true as const } }], price: undefined, budgetTiers: [], resilience }];
    expect(findPriceConflicts(different)).toEqual([
      { path: 'models.c', message: 'prices openai/gpt-4o differently from models.a; one provider model has one price, so give both the same price' },
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createGateway } from './create-gateway.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string);
const env = { TOLLGATE_MASTER_KEY: 'master-key-0123456789abcdef', OPENAI_API_KEY: 'sk-o', GROQ_API_KEY: 'gsk', ANTHROPIC_API_KEY: 'sk-a', GEMINI_API_KEY: 'g', AZURE_OPENAI_API_KEY: 'az' };

describe('README examples are valid configs', () => {
  it('has the five-line config and the full reference', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(2);
    expect(yamlBlocks[0]!.trim().split('\n').length).toBeLessThanOrEqual(5);
  });

  it.each(yamlBlocks.map((block, index) => [index, block] as const))('yaml block %i parses and builds a gateway', async (_index, block) => {
    const withMemoryStore = block.replace(/^store:.*$/m, 'store: { kind: memory }');
    const config = parseConfig(withMemoryStore.includes('store:') ? withMemoryStore : `${withMemoryStore}\nstore: { kind: memory }\n`, {
      env,
      baseDirectory: '/tmp',
    });
    const gateway = createGateway({ config });
    expect(gateway.modelNames.length).toBeGreaterThan(0);
    await gateway.close();
  });
});

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createGateway } from './create-gateway.js';

const build = (yaml: string) => createGateway({ config: parseConfig(yaml, { env: {}, baseDirectory: '/tmp' }) });

describe('createGateway rejects what the provider registry cannot build, naming the path and the fix', () => {
  it('an unknown provider kind lists the kinds there are', () => {
    expect(() => build('providers:\n  p: { kind: openia, api_key: k }\nmodels:\n  m: p\nstore: { kind: memory }\n')).toThrow(
      /providers\.p\.kind: unknown provider kind "openia"\. Write one of: openai, anthropic, gemini, openai-compatible, azure, groq/,
    );
  });

  it('a hosted provider without an api_key', () => {
    expect(() => build('providers:\n  groq: { kind: groq }\nmodels:\n  m: groq\nstore: { kind: memory }\n')).toThrow(
      /providers\.groq\.api_key: kind "groq" needs an API key\. Write api_key: \$\{GROQ_API_KEY\}/,
    );
  });

  it('builds a self-hosted provider without a key, and lists the logical models', async () => {
    const gateway = build('providers:\n  local: { kind: vllm }\nmodels:\n  llama: { provider: local, model: llama-3.1-8b }\nstore: { kind: memory }\n');
    expect(gateway.modelNames).toEqual(['llama']);
    await gateway.close();
  });
});

import { encodeChat } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { boundInputTokens, estimatedTokensPerAttachment, estimateInputTokens } from './estimate-input-tokens.js';

describe('estimateInputTokens (o200k_base estimate)', () => {
  it('counts plain text messages as encodeChat renders them for gpt-4o (one user "Hello" = 8)', () => {
    expect(estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'Hello' }] })).toBe(8);
  });

  it('joins text parts, and counts each image or file part as a fixed estimate', () => {
    const asString = estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'Look at this' }] });
    const withImage = estimateInputTokens({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Look at this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
    });
    expect(withImage).toBe(asString + estimatedTokensPerAttachment);
  });

  it('counts tool definitions as a leading system message of their JSON, and tool calls as name plus arguments', () => {
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
    const call = { id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } };
    const expected = encodeChat(
      [
        { role: 'system', content: `# Tools\n${JSON.stringify([tool.function])}` },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'get_weather{"city":"Oslo"}' },
      ],
      'gpt-4o',
    ).length;
    const estimate = estimateInputTokens({
      model: 'm',
      tools: [tool],
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [call] },
      ],
    });
    expect(estimate).toBe(expected);
  });
});

describe('boundInputTokens', () => {
  const chat = (content: string) => ({ model: 'gpt-4o', messages: [{ role: 'user' as const, content }] });

  it('bounds short prompts from above too', () => {
    for (const text of ['Give me one sentence about the sea.', 'hi', '{"a": [1, 2, 3]}', 'naïve café — déjà vu', 'const x = f(a[0], b?.c ?? 1_000);', '2024-11-22T13:45:00Z 192.168.0.1']) {
      const body = chat(text);
      expect(boundInputTokens(body)).toBeGreaterThanOrEqual(estimateInputTokens(body));
    }
  });

  it('bounds long English and CJK prompts from above without tokenising', () => {
    const english = chat('The quick brown fox jumps over the lazy dog, again and again. '.repeat(400));
    const exactEnglish = estimateInputTokens(english);
    expect(boundInputTokens(english)).toBeGreaterThanOrEqual(exactEnglish);
    expect(boundInputTokens(english)).toBeLessThan(exactEnglish * 1.6);
    const code = chat('function add(a, b) { return a + b; } // sum\n'.repeat(300));
    expect(boundInputTokens(code)).toBeGreaterThanOrEqual(estimateInputTokens(code));
    const chinese = chat('敏捷的棕色狐狸跳过了懒狗。'.repeat(800));
    expect(boundInputTokens(chinese)).toBeGreaterThanOrEqual(estimateInputTokens(chinese));
  });
});

import { encodeChat } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { createCachedEncoder } from './cached-encoder.js';
import { createPromptCacheTracker } from './prompt-cache-tracker.js';
import { createPromptTokenizer } from './prompt-tokenizer.js';

describe('createPromptTokenizer', () => {
  const tokenizePrompt = createPromptTokenizer(createCachedEncoder(1_000_000));

  it('renders messages exactly as encodeChat does for gpt-4o', () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', name: 'ada', content: 'Hi there, how are you?' },
      { role: 'assistant', content: 'Fine.' },
    ];
    const prompt = tokenizePrompt(messages, []);
    expect(prompt.tokenIds).toEqual(encodeChat(messages, 'gpt-4o'));
    expect(prompt.tokenCount).toBe(prompt.tokenIds.length);
  });

  it('joins text parts, charges 85 tokens per image part and counts tool definitions', () => {
    const plain = tokenizePrompt([{ role: 'user', content: 'Describe this.' }], []);
    const withImage = tokenizePrompt(
      [{ role: 'user', content: [{ type: 'text', text: 'Describe this.' }, { type: 'image_url' }] }],
      [],
    );
    expect(withImage.tokenCount).toBe(plain.tokenCount + 85);
    const withTool = tokenizePrompt([{ role: 'user', content: 'Describe this.' }], [{ type: 'function', function: { name: 'lookup' } }]);
    expect(withTool.tokenCount).toBeGreaterThan(plain.tokenCount + 5);
  });
});

describe('createPromptCacheTracker', () => {
  const ids = (length: number, offset = 0) => Array.from({ length }, (_, index) => index + offset);

  it('reports nothing for short prompts or first sightings', () => {
    const tracker = createPromptCacheTracker();
    expect(tracker.observe(ids(1000))).toBe(0);
    expect(tracker.observe(ids(1000))).toBe(0);
    expect(tracker.observe(ids(1500))).toBe(0);
  });

  it('reports the longest seen 1024 + k·128 prefix', () => {
    const tracker = createPromptCacheTracker();
    tracker.observe(ids(1500));
    expect(tracker.observe(ids(1500))).toBe(1408);
    expect(tracker.observe([...ids(1200), ...ids(900, 5000)])).toBe(1152);
    expect(tracker.observe(ids(1500, 1))).toBe(0);
  });

  it('forgets the oldest prefixes beyond its capacity', () => {
    const tracker = createPromptCacheTracker({ capacity: 1 });
    tracker.observe(ids(1024));
    tracker.observe(ids(1024, 7));
    expect(tracker.observe(ids(1024))).toBe(0);
  });
});

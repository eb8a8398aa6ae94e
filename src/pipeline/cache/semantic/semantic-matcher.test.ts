import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../../core/chat-request.js';
import { createHashedNgramEmbedder } from './hashed-ngram-embedder.js';
import { createSemanticMatcher } from './semantic-matcher.js';

const chat = (...messages: Array<[string, string]>) => ({ model: 'm', messages: messages.map(([role, content]) => ({ role, content })) }) as ChatRequestBody;

describe('semantic matcher', () => {
  it('compares single-turn prompts only by default', async () => {
    const matcher = createSemanticMatcher({ embedder: createHashedNgramEmbedder(), threshold: 0.99, models: new Set(['m']), maxEntries: 100 });
    expect(await matcher.probe(chat(['system', 'Be brief.'], ['user', 'How do I reset my password?']), 't')).toBeDefined();
    expect(await matcher.probe(chat(['user', 'Hi'], ['assistant', 'Hello'], ['user', 'How do I reset my password?']), 't')).toBeUndefined();
    expect(await matcher.probe({ ...chat(['user', 'x']), model: 'other' }, 't')).toBeUndefined();
  });

  it('with turns: N, compares the last N messages and requires everything before them to be identical', async () => {
    const threeTurns = createSemanticMatcher({ turns: 3, embedder: createHashedNgramEmbedder(), threshold: 0.99, models: new Set(['m']), maxEntries: 100 });
    const stored = await threeTurns.probe(chat(['system', 'S'], ['user', 'Hi there'], ['assistant', 'Hello!'], ['user', 'How do I reset my password?']), 't');
    stored?.remember('answer-1');
    const reworded = await threeTurns.probe(chat(['system', 'S'], ['user', 'hi there'], ['assistant', 'Hello!'], ['user', 'how do i reset my password']), 't');
    expect(reworded?.candidates().map((candidate) => candidate.exactKey)).toEqual(['answer-1']);
    const otherSystem = await threeTurns.probe(chat(['system', 'T'], ['user', 'hi there'], ['assistant', 'Hello!'], ['user', 'how do i reset my password']), 't');
    expect(otherSystem?.candidates()).toEqual([]);
    const otherAnswer = await threeTurns.probe(chat(['system', 'S'], ['user', 'hi there'], ['assistant', 'Goodbye!'], ['user', 'how do i reset my password']), 't');
    expect(otherAnswer?.candidates()).toEqual([]);
    expect(await threeTurns.probe(chat(['user', 'a'], ['assistant', 'b']), 't')).toBeUndefined();
    expect(threeTurns.size()).toBe(1);
  });
});

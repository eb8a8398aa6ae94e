import { describe, expect, it } from 'vitest';
import { cosineSimilarity } from './cosine-similarity.js';
import { createHashedNgramEmbedder, stemOf } from './hashed-ngram-embedder.js';

const norm = (vector: Float32Array): number => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

async function similarity(first: string, second: string): Promise<number> {
  const [one, other] = await createHashedNgramEmbedder().embed([first, second]);
  return cosineSimilarity(one!, other!);
}

describe('createHashedNgramEmbedder', () => {
  it('is deterministic, across calls and across instances', async () => {
    const text = 'How do I reset my password on the admin console?';
    const [first] = await createHashedNgramEmbedder().embed([text]);
    const [second] = await createHashedNgramEmbedder().embed([text]);
    expect(Array.from(second!)).toEqual(Array.from(first!));
  });

  it('returns one unit-length vector of `dimensions` per text, in order', async () => {
    const embedder = createHashedNgramEmbedder({ dimensions: 512 });
    const vectors = await embedder.embed(['a cat sat on the mat', 'Ｆｕｌｌ-width text!', 'x']);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(512);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(embedder.dimensions).toBe(512);
  });

  it('gives a text without words the zero vector, similar to nothing', async () => {
    const [empty, punctuation, words] = await createHashedNgramEmbedder().embed(['', ' ?! … ', 'hello']);
    expect(norm(empty!)).toBe(0);
    expect(norm(punctuation!)).toBe(0);
    expect(cosineSimilarity(empty!, words!)).toBe(0);
  });

  it('ignores case, punctuation and Unicode compatibility forms', async () => {
    expect(await similarity('How do I reset my password?', 'how do i reset my password')).toBe(1);
    expect(await similarity('ｒｅｓｅｔ password', 'reset password')).toBe(1);
    expect(await similarity("Why don't I get emails", 'why dont i get emails')).toBe(1);
  });

  it('scores paraphrases above unrelated prompts', async () => {
    const cases: [string, string, string][] = [
      ['How do I reset my password?', 'How can I reset my account password?', 'What is the capital of France?'],
      ['What is the best way to learn Python?', 'Best way to learn Python programming', 'What is the best way to cook rice?'],
      ['How do I cancel my subscription?', 'How can I cancel the subscription', 'How do I upgrade my plan?'],
      ['Translate this sentence into German', 'Please translate the sentence to German', 'Summarise this article in three bullets'],
      ['Why is the sky blue?', 'why is the sky blue during the day', 'Why is the grass green?'],
    ];
    for (const [prompt, paraphrase, unrelated] of cases) {
      expect(await similarity(prompt, paraphrase), `${prompt} / ${paraphrase}`).toBeGreaterThan(await similarity(prompt, unrelated));
    }
  });

  it('keeps question words at full weight, so "how" and "why" questions stay apart', async () => {
    expect(await similarity('How do I learn Rust?', 'Why should I learn Rust?')).toBeLessThan(0.8);
  });

  it('names its vector space in its id, options included', () => {
    expect(createHashedNgramEmbedder().id).toBe('hashed-ngram-v1:d1024:w1:b0.2:c0.8@3-5:f0.2');
    expect(createHashedNgramEmbedder({ dimensions: 2048 }).id).not.toBe(createHashedNgramEmbedder().id);
  });

  it('rejects invalid options when built, naming the option', () => {
    expect(() => createHashedNgramEmbedder({ dimensions: 1000 })).toThrow(/dimensions must be a power of two/);
    expect(() => createHashedNgramEmbedder({ characterRange: [5, 3] })).toThrow(/characterRange/);
    expect(() => createHashedNgramEmbedder({ bigramWeight: -1 })).toThrow(/bigramWeight/);
    expect(() => createHashedNgramEmbedder({ functionWordWeight: 0 })).toThrow(/functionWordWeight/);
    expect(() => createHashedNgramEmbedder({ wordWeight: 0, bigramWeight: 0, characterWeight: 0 })).toThrow(/at least one/);
  });

  it('rejects with the signal’s reason when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(createHashedNgramEmbedder().embed(['hello'], controller.signal)).rejects.toThrow('client went away');
  });
});

describe('stemOf', () => {
  it('strips common English suffixes', () => {
    expect(['runs', 'running', 'run'].map(stemOf)).toEqual(['run', 'run', 'run']);
    expect(['stories', 'boxes', 'classes', 'walked'].map(stemOf)).toEqual(['story', 'box', 'class', 'walk']);
  });

  it('keeps short words, words ending in -ss/-us/-is, and words with digits', () => {
    expect(['bus', 'class', 'status', 'analysis', 'gpt4s'].map(stemOf)).toEqual(['bus', 'class', 'status', 'analysis', 'gpt4s']);
  });
});

import { describe, expect, it } from 'vitest';
import { createHashedNgramEmbedder } from './hashed-ngram-embedder.js';
import { createSimilarityIndex } from './similarity-index.js';

describe('similarity index (SimHash bands)', () => {
  it('finds near-duplicates among many entries and ranks them by exact cosine', async () => {
    const embedder = createHashedNgramEmbedder();
    const index = createSimilarityIndex<string>({ dimensions: embedder.dimensions, maxEntries: 10_000 });
    const texts = Array.from({ length: 2_000 }, (_, item) => `question number ${item}: how do I configure widget ${item * 7} for team ${item % 13}?`);
    const vectors = await embedder.embed(texts);
    texts.forEach((text, item) => index.add({ vector: vectors[item] as Float32Array, text, value: text }));
    const [query] = await embedder.embed([texts[1_234] as string]);
    const matches = index.search(query as Float32Array, 0.99);
    expect(matches[0]).toMatchObject({ value: texts[1_234], similarity: 1 });
    expect(index.search(query as Float32Array, 0.99, (candidate) => candidate.value !== texts[1_234])).toEqual([]);
  });

  it('keeps at most maxEntries, dropping the oldest, and removes entries from every band', async () => {
    const embedder = createHashedNgramEmbedder();
    const index = createSimilarityIndex<number>({ dimensions: embedder.dimensions, maxEntries: 2 });
    const [first, second, third] = await embedder.embed(['alpha beta gamma', 'delta epsilon zeta', 'eta theta iota']);
    const firstId = index.add({ vector: first as Float32Array, text: 'a', value: 1 });
    index.add({ vector: second as Float32Array, text: 'b', value: 2 });
    index.add({ vector: third as Float32Array, text: 'c', value: 3 });
    expect(index.size()).toBe(2);
    expect(index.search(first as Float32Array, 0.99)).toEqual([]);
    expect(firstId).toBe(0);
    expect(index.search(third as Float32Array, 0.99).map((match) => match.value)).toEqual([3]);
  });
});

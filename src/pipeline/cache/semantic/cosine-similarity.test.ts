import { describe, expect, it } from 'vitest';
import { cosineSimilarity } from './cosine-similarity.js';

describe('cosineSimilarity', () => {
  it('is the dot product of unit vectors, rounded so a vector scores exactly 1 with itself', () => {
    const third = Math.fround(1 / Math.sqrt(3));
    const vector = Float32Array.of(third, third, third);
    expect(cosineSimilarity(vector, vector)).toBe(1);
    expect(cosineSimilarity(Float32Array.of(1, 0), Float32Array.of(0.6, 0.8))).toBe(0.6);
    expect(cosineSimilarity(Float32Array.of(1, 0), Float32Array.of(-1, 0))).toBe(-1);
  });

  it('rejects vectors of different lengths', () => {
    expect(() => cosineSimilarity(new Float32Array(2), new Float32Array(3))).toThrow(/different lengths/);
  });
});

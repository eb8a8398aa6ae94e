import { describe, expect, it } from 'vitest';
import { l2Normalised } from './l2-normalised.js';

describe('l2Normalised', () => {
  it('scales a vector to length 1 in place and leaves the zero vector alone', () => {
    const vector = Float32Array.of(3, 4);
    expect(l2Normalised(vector)).toBe(vector);
    expect([...vector]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect([...l2Normalised(new Float32Array(3))]).toEqual([0, 0, 0]);
  });
});

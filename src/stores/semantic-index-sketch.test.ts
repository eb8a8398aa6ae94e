import { describe, expect, it } from 'vitest';
import { createSemanticIndexSketcher, maxSketchDistance, sketchDistance, SKETCH_BITS } from './semantic-index-sketch.js';

/** A fixed vector with some zero components. */
const pinned = Float32Array.from({ length: 16 }, (_, index) => (index % 3 === 0 ? 0 : Math.sin(index + 1)));

describe('semantic index sketch', () => {
  it('gives a vector the same sketch in every process (persisted sketches depend on it: change SKETCH_ID with it)', () => {
    const sketch = createSemanticIndexSketcher(16).sketch(pinned);
    expect(Array.from(sketch, (word) => `0x${word.toString(16).padStart(8, '0')}`)).toEqual(['0x051a5ce7', '0x2595cb3f', '0x9b0b9141', '0xb0985b44']);
  });

  it('ignores the length of the vector, and differs from the opposite vector in every bit', () => {
    const sketcher = createSemanticIndexSketcher(16);
    expect(sketchDistance(sketcher.sketch(pinned), sketcher.sketch(pinned.map((value) => value * 3)))).toBe(0);
    const opposite = pinned.map((value) => -value);
    expect(sketchDistance(sketcher.sketch(pinned), sketcher.sketch(opposite))).toBe(SKETCH_BITS);
  });

  it('estimates the angle: vectors at cosine c differ in about arccos(c)/π of the bits', () => {
    const dimensions = 256;
    const sketcher = createSemanticIndexSketcher(dimensions);
    const base = new Float32Array(dimensions);
    base[0] = 1;
    let total = 0;
    for (let other = 1; other < dimensions; other += 1) {
      // Cosine 0.9 with base, each pair turned towards a different axis.
      const turned = new Float32Array(dimensions);
      turned[0] = 0.9;
      turned[other] = Math.sqrt(1 - 0.81);
      total += sketchDistance(sketcher.sketch(base), sketcher.sketch(turned));
    }
    const expected = (SKETCH_BITS * Math.acos(0.9)) / Math.PI;
    expect(total / (dimensions - 1)).toBeGreaterThan(expected * 0.8);
    expect(total / (dimensions - 1)).toBeLessThan(expected * 1.2);
  });

  it('allows the mean plus five standard deviations of the differing bits at the threshold', () => {
    expect(maxSketchDistance(0.99)).toBe(18);
    expect(maxSketchDistance(0.95)).toBe(30);
    expect(maxSketchDistance(1)).toBe(2);
  });

  it('rejects dimensions that are not a positive integer', () => {
    expect(() => createSemanticIndexSketcher(0)).toThrow(RangeError);
    expect(() => createSemanticIndexSketcher(2.5)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { meanPooled } from './mean-pooling.js';

describe('meanPooled', () => {
  it('averages each row’s unmasked token vectors only', () => {
    // Two sequences of three tokens, width 2; the second has one padding token worth 100s.
    const tokens = Float32Array.of(1, 2, 3, 4, 5, 6, /* second */ 2, 0, 4, 2, 100, 100);
    const mask = BigInt64Array.of(1n, 1n, 1n, 1n, 1n, 0n);
    const [first, second] = meanPooled(tokens, mask, { batch: 2, sequenceLength: 3, width: 2 });
    expect([...first!]).toEqual([3, 4]);
    expect([...second!]).toEqual([3, 1]);
  });

  it('gives the zero vector to a fully masked row, and refuses a shape that does not fit', () => {
    expect([...meanPooled(Float32Array.of(1, 2), BigInt64Array.of(0n), { batch: 1, sequenceLength: 1, width: 2 })[0]!]).toEqual([0, 0]);
    expect(() => meanPooled(Float32Array.of(1, 2, 3), BigInt64Array.of(1n), { batch: 1, sequenceLength: 1, width: 2 })).toThrow(RangeError);
    expect(() => meanPooled(Float32Array.of(1, 2), BigInt64Array.of(1n, 1n), { batch: 1, sequenceLength: 1, width: 2 })).toThrow(RangeError);
  });
});

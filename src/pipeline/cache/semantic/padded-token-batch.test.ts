import { describe, expect, it } from 'vitest';
import { paddedTokenBatch } from './padded-token-batch.js';

describe('paddedTokenBatch', () => {
  it('pads every row on the right to the longest, masking the padding', () => {
    const batch = paddedTokenBatch([[2, 5, 3], [2, 3]], 0);
    expect(batch).toMatchObject({ size: 2, sequenceLength: 3 });
    expect([...batch.inputIds]).toEqual([2n, 5n, 3n, 2n, 3n, 0n]);
    expect([...batch.attentionMask]).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
    expect([...batch.tokenTypeIds]).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
  });

  it('pads with the tokenizer’s pad id', () => {
    expect([...paddedTokenBatch([[0, 9], [0]], 1).inputIds]).toEqual([0n, 9n, 0n, 1n]);
  });
});

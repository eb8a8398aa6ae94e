/**
 * A batch of token sequences as a transformer takes them: row-major [size × sequenceLength] int64
 * arrays, each row padded on the right with `padId` to the longest sequence, the attention mask 1
 * on real tokens and 0 on padding, and token types all 0 (one segment per text).
 */
export interface PaddedTokenBatch {
  readonly size: number;
  readonly sequenceLength: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
}

export function paddedTokenBatch(sequences: readonly (readonly number[])[], padId: number): PaddedTokenBatch {
  const size = sequences.length;
  const sequenceLength = sequences.reduce((longest, sequence) => Math.max(longest, sequence.length), 0);
  const inputIds = new BigInt64Array(size * sequenceLength).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(size * sequenceLength);
  sequences.forEach((sequence, row) => {
    sequence.forEach((id, column) => {
      inputIds[row * sequenceLength + column] = BigInt(id);
      attentionMask[row * sequenceLength + column] = 1n;
    });
  });
  return { size, sequenceLength, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(size * sequenceLength) };
}

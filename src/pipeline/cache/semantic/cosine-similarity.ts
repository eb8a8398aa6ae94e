/**
 * The cosine similarity of two unit-normalised vectors of equal length: their dot product, summed
 * in double precision, clamped to [-1, 1] and rounded to 6 decimal places, so that two identical
 * texts score exactly 1 and a threshold comparison does not turn on float32 rounding noise.
 */
export function cosineSimilarity(first: Float32Array, second: Float32Array): number {
  if (first.length !== second.length) {
    throw new RangeError(`cosineSimilarity: vectors of different lengths (${first.length} and ${second.length})`);
  }
  let sum = 0;
  for (let index = 0; index < first.length; index += 1) sum += first[index]! * second[index]!;
  return Math.round(Math.min(1, Math.max(-1, sum)) * 1e6) / 1e6;
}

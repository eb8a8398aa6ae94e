/**
 * Mean pooling, as sentence-transformers pools token embeddings: for each sequence of a batch, the
 * average of its token vectors where the attention mask is 1, so padding never moves a text's
 * vector. `tokenVectors` is row-major [batch × sequenceLength × width]; `attentionMask` is
 * [batch × sequenceLength]. A sequence without any unmasked token gives the zero vector. Sums are
 * kept in float64.
 */
export function meanPooled(
  tokenVectors: Float32Array,
  attentionMask: BigInt64Array,
  shape: { readonly batch: number; readonly sequenceLength: number; readonly width: number },
): Float32Array[] {
  const { batch, sequenceLength, width } = shape;
  if (tokenVectors.length !== batch * sequenceLength * width) {
    throw new RangeError(`mean pooling: expected ${batch}×${sequenceLength}×${width} values, got ${tokenVectors.length}`);
  }
  if (attentionMask.length !== batch * sequenceLength) {
    throw new RangeError(`mean pooling: expected a ${batch}×${sequenceLength} attention mask, got ${attentionMask.length} values`);
  }
  const pooled: Float32Array[] = [];
  const sums = new Float64Array(width);
  for (let row = 0; row < batch; row += 1) {
    sums.fill(0);
    let tokens = 0;
    for (let position = 0; position < sequenceLength; position += 1) {
      if (attentionMask[row * sequenceLength + position] === 0n) continue;
      tokens += 1;
      const offset = (row * sequenceLength + position) * width;
      for (let column = 0; column < width; column += 1) sums[column]! += tokenVectors[offset + column]!;
    }
    const vector = new Float32Array(width);
    if (tokens > 0) for (let column = 0; column < width; column += 1) vector[column] = sums[column]! / tokens;
    pooled.push(vector);
  }
  return pooled;
}

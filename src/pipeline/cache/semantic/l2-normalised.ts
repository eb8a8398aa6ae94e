/** Scales `vector` in place to L2 norm 1 (the norm summed in float64) and returns it; the zero vector stays zero. */
export function l2Normalised(vector: Float32Array): Float32Array {
  let squares = 0;
  for (let index = 0; index < vector.length; index += 1) squares += vector[index]! * vector[index]!;
  if (squares === 0) return vector;
  const scale = 1 / Math.sqrt(squares);
  for (let index = 0; index < vector.length; index += 1) vector[index]! *= scale;
  return vector;
}

/** Bits in a sketch: four 32-bit words, 16 bytes (a sqlite-vec `bit[128]`). */
export const SKETCH_BITS = 128;

/** The hyperplanes' seed: fixed, so a sketch computed today matches one stored before a restart. */
const SEED = 0x7011_9a7e;

/**
 * Names the sketch: the algorithm, its bit count and its seed. An index that persists sketches
 * stores this beside them; a different one means every stored sketch is meaningless. Change it
 * with anything that changes a sketch (the test pins one).
 */
export const SKETCH_ID = `simhash-gaussian-mulberry32:b${SKETCH_BITS}:s${SEED}`;

export interface SemanticIndexSketcher {
  /**
   * The vector's 128-bit random-hyperplane (SimHash) sketch: bit `i` (bit `i % 32` of word
   * `i >> 5`) is set when the vector's dot product with hyperplane `i` is ≥ 0. Two unit vectors
   * at cosine c differ in each bit with probability arccos(c)/π, so the Hamming distance of
   * their sketches estimates their angle.
   */
  sketch(vector: Float32Array): Uint32Array;
}

/**
 * Sketches vectors of `dimensions` with 128 Gaussian hyperplanes drawn from a fixed seed
 * (mulberry32, Box–Muller): the same vector always gets the same sketch, in every process.
 * A sketch costs 128 multiply-adds per non-zero component: about 0.4 ms for a dense vector of
 * 1,024 dimensions on a 2-vCPU VM, 0.08 ms for the built-in embedder's sparse ones.
 */
export function createSemanticIndexSketcher(dimensions: number): SemanticIndexSketcher {
  if (!Number.isSafeInteger(dimensions) || dimensions < 1) throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
  const planes = gaussianPlanes(SKETCH_BITS, dimensions, SEED);
  return {
    sketch(vector) {
      // Dimension by dimension, skipping zeros: the built-in embedder's hashed n-grams fill a few
      // percent of the dimensions. Each bit's sum still runs in dimension order, as a plane-major
      // loop would, so the sketch does not depend on the loop's shape.
      const sums = new Float64Array(SKETCH_BITS);
      for (let index = 0; index < dimensions; index += 1) {
        const value = vector[index] as number;
        if (value === 0) continue;
        const offset = index * SKETCH_BITS;
        for (let bit = 0; bit < SKETCH_BITS; bit += 1) sums[bit] = (sums[bit] as number) + (planes[offset + bit] as number) * value;
      }
      const words = new Uint32Array(SKETCH_BITS / 32);
      for (let bit = 0; bit < SKETCH_BITS; bit += 1) {
        if ((sums[bit] as number) >= 0) words[bit >> 5] = ((words[bit >> 5] as number) | (1 << (bit & 31))) >>> 0;
      }
      return words;
    },
  };
}

/** How many bits two sketches differ in. */
export function sketchDistance(left: Uint32Array, right: Uint32Array): number {
  let distance = 0;
  for (let word = 0; word < left.length; word += 1) distance += bitCount(((left[word] as number) ^ (right[word] as number)) >>> 0);
  return distance;
}

/**
 * The largest Hamming distance worth a look at `threshold`: two unit vectors at exactly the
 * threshold's cosine c differ in a Binomial(128, arccos(c)/π) number of bits; this is its mean
 * plus five standard deviations (18 bits at 0.99, 30 at 0.95), so a true match lies beyond it
 * with probability under one in a million, while most non-matches are cut before their exact
 * cosine is computed.
 */
export function maxSketchDistance(threshold: number): number {
  // Similarities are rounded to 1e-6, so a match may sit just under the threshold (at 1, two
  // vectors a hair apart must still pass).
  const flip = Math.acos(Math.min(1, Math.max(-1, threshold - 1e-6))) / Math.PI;
  return Math.min(SKETCH_BITS, Math.ceil(SKETCH_BITS * flip + 5 * Math.sqrt(SKETCH_BITS * flip * (1 - flip))));
}

/**
 * `count` hyperplanes of `dimensions` Gaussian components (drawn plane by plane), stored
 * dimension-major: component `index` of plane `plane` is at `index * count + plane`, so a
 * sketch reads each dimension's components together.
 */
function gaussianPlanes(count: number, dimensions: number, seed: number): Float32Array {
  const random = seededUnitRandom(seed);
  const planes = new Float32Array(count * dimensions);
  for (let plane = 0; plane < count; plane += 1) {
    for (let index = 0; index < dimensions; index += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - random()));
      const angle = 2 * Math.PI * random();
      planes[index * count + plane] = radius * Math.cos(angle);
      if (index + 1 < dimensions) planes[(index + 1) * count + plane] = radius * Math.sin(angle);
    }
  }
  return planes;
}

/** Deterministic floats in [0, 1) (mulberry32): reproducible hyperplanes, not for security. */
function seededUnitRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function bitCount(value: number): number {
  let bits = value - ((value >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

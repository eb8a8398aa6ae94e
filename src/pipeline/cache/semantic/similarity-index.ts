import { createSeededRandomUnit } from './seeded-unit-random.js';

export interface IndexedPrompt<Value> {
  readonly vector: Float32Array;
  readonly text: string;
  readonly value: Value;
}

export interface SimilarityMatch<Value> extends IndexedPrompt<Value> {
  readonly similarity: number;
}

export interface SimilarityIndexOptions {
  readonly dimensions: number;
  /** Entries kept per index; the oldest inserted goes first. */
  readonly maxEntries: number;
  /** Bands of `bitsPerBand` random-hyperplane bits; a candidate must match one band exactly. */
  readonly bands?: number;
  readonly bitsPerBand?: number;
  readonly seed?: number;
}

/**
 * An approximate nearest-neighbour index for unit vectors, built for the very high similarity
 * thresholds a cache needs (≥ 0.95). Each vector gets a sign sketch from random hyperplanes
 * (SimHash); the sketch is cut into bands, and a query looks only at entries sharing a whole band
 * with it, then ranks those by exact cosine. Two vectors at cosine c differ in each bit with
 * probability arccos(c)/π, so at c = 0.99 a 16-bit band matches with probability about 0.48 and
 * one of 8 bands with about 0.995: a lookup costs the sketch (bands × bits dot products) plus a
 * handful of candidates, whatever the number of entries, where a scan of 100,000 vectors of
 * 1,024 dimensions would cost about 100 M multiply-adds.
 */
export function createSimilarityIndex<Value>(options: SimilarityIndexOptions) {
  const bands = options.bands ?? 8;
  const bitsPerBand = options.bitsPerBand ?? 16;
  if (bitsPerBand > 30) throw new RangeError('bitsPerBand must be at most 30');
  const planes = randomPlanes(bands * bitsPerBand, options.dimensions, options.seed ?? 0x7011_9a7e);
  const buckets: Array<Map<number, Set<number>>> = Array.from({ length: bands }, () => new Map());
  // Insertion-ordered, so the first key is the oldest entry.
  const entries = new Map<number, { prompt: IndexedPrompt<Value>; bandKeys: number[] }>();
  // Two unit vectors at cosine c differ in each sketch bit with probability arccos(c)/π; a
  // candidate whose sketch differs in more bits than this is almost surely below the threshold
  // and is skipped before its exact cosine is computed.
  const maxDifferingBits = (threshold: number) => Math.ceil(bands * bitsPerBand * (Math.acos(Math.min(1, threshold)) / Math.PI) * 3 + 4);
  let nextId = 0;

  function bandKeysOf(vector: Float32Array): number[] {
    const keys: number[] = [];
    for (let band = 0; band < bands; band += 1) {
      let key = 0;
      for (let bit = 0; bit < bitsPerBand; bit += 1) {
        const plane = planes[band * bitsPerBand + bit] as Float32Array;
        let dot = 0;
        for (let index = 0; index < vector.length; index += 1) dot += (plane[index] as number) * (vector[index] as number);
        key = (key << 1) | (dot >= 0 ? 1 : 0);
      }
      keys.push(key);
    }
    return keys;
  }

  function remove(id: number): void {
    const entry = entries.get(id);
    if (entry === undefined) return;
    entries.delete(id);
    entry.bandKeys.forEach((key, band) => {
      const bucket = buckets[band]?.get(key);
      bucket?.delete(id);
      if (bucket?.size === 0) buckets[band]?.delete(key);
    });
  }

  return {
    add(prompt: IndexedPrompt<Value>): number {
      if (prompt.vector.length !== options.dimensions) throw new RangeError(`expected ${options.dimensions} dimensions, got ${prompt.vector.length}`);
      const id = nextId++;
      const bandKeys = bandKeysOf(prompt.vector);
      entries.set(id, { prompt, bandKeys });
      bandKeys.forEach((key, band) => {
        const map = buckets[band] as Map<number, Set<number>>;
        let bucket = map.get(key);
        if (bucket === undefined) map.set(key, (bucket = new Set()));
        bucket.add(id);
      });
      while (entries.size > options.maxEntries) remove(entries.keys().next().value as number);
      return id;
    },

    remove,

    /**
     * Up to `limit` entries at or above `threshold` that `accept` lets through, best first.
     * `accept` runs on the best candidates only, in order, until `limit` are accepted.
     */
    search(
      vector: Float32Array,
      threshold: number,
      accept: (candidate: IndexedPrompt<Value>) => boolean = () => true,
      limit = 3,
    ): Array<SimilarityMatch<Value> & { readonly id: number }> {
      const queryKeys = bandKeysOf(vector);
      const allowedBits = maxDifferingBits(threshold);
      const seen = new Set<number>();
      const above: Array<{ entry: { prompt: IndexedPrompt<Value> }; similarity: number; id: number }> = [];
      queryKeys.forEach((key, band) => {
        for (const id of buckets[band]?.get(key) ?? []) {
          if (seen.has(id)) continue;
          seen.add(id);
          const entry = entries.get(id);
          if (entry === undefined) continue;
          let differing = 0;
          for (let other = 0; other < bands; other += 1) differing += bitCount(((entry.bandKeys[other] as number) ^ (queryKeys[other] as number)) >>> 0);
          if (differing > allowedBits) continue;
          let similarity = 0;
          const candidate = entry.prompt.vector;
          for (let index = 0; index < vector.length; index += 1) similarity += (vector[index] as number) * (candidate[index] as number);
          similarity = Math.round(similarity * 1e6) / 1e6;
          if (similarity >= threshold) above.push({ entry, similarity, id });
        }
      });
      above.sort((left, right) => right.similarity - left.similarity);
      const matches: Array<SimilarityMatch<Value> & { readonly id: number }> = [];
      for (const { entry, similarity, id } of above) {
        if (matches.length >= limit) break;
        if (accept(entry.prompt)) matches.push({ ...entry.prompt, similarity, id });
      }
      return matches;
    },

    size: () => entries.size,
  };
}

export type SimilarityIndex<Value> = ReturnType<typeof createSimilarityIndex<Value>>;

function randomPlanes(count: number, dimensions: number, seed: number): Float32Array[] {
  const random = createSeededRandomUnit(seed);
  return Array.from({ length: count }, () => {
    const plane = new Float32Array(dimensions);
    // Gaussian components (Box–Muller), so the hyperplanes are uniformly oriented.
    for (let index = 0; index < dimensions; index += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - random()));
      const angle = 2 * Math.PI * random();
      plane[index] = radius * Math.cos(angle);
      if (index + 1 < dimensions) plane[index + 1] = radius * Math.sin(angle);
    }
    return plane;
  });
}

function bitCount(value: number): number {
  let bits = value - ((value >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

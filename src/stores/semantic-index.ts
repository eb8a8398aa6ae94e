/**
 * The seam between the semantic cache's matcher and where its prompt vectors live: in this
 * process (`memory/memory-semantic-index.ts`, SimHash bands over a map, for memory and
 * scale-out) or in the embedded default's SQLite file (`sqlite/sqlite-semantic-index.ts`,
 * sqlite-vec, surviving restarts). Every implementation passes `semantic-index.contract.ts`.
 *
 * An entry maps a prompt's vector to the exact-cache key of the answer stored for it. The index
 * holds no answers: the matcher looks the key up in the response cache store, and forgets an
 * entry whose answer is gone.
 *
 * Vectors are unit-normalised (see `pipeline/cache/semantic/embedder.ts`), so the similarity of
 * two is their dot product, rounded to 1e-6. The zero vector (a text with nothing to embed) has
 * similarity 0 with everything, itself included, so it matches nothing. Only vectors of one
 * embedder, and of the index's `dimensions`, are ever compared: an index that persists vectors
 * stores the embedder's id beside them and drops them all when it opens under another id.
 *
 * Searches are approximate nearest-neighbour: each implementation documents the odds that an
 * entry above the threshold is not found (it says a miss, never a wrong answer: every reported
 * similarity is exact). Entries are only compared within one partition, an opaque string the
 * matcher builds from the tenant, the namespace, the model and everything else in the request
 * but the compared text, so one tenant is never served another's answer.
 *
 * Every operation is synchronous (better-sqlite3 is). Failures are thrown: a closed or broken
 * database throws from the call, and the caller (the matcher) treats that as a miss. Invalid
 * arguments (a vector of the wrong length, a threshold outside (0, 1], a non-positive limit)
 * throw a `RangeError`: they are bugs.
 */

/** One indexed prompt. The index keeps its own copy of `vector`. */
export interface SemanticIndexEntry {
  /** Entries are compared only within the same partition. */
  readonly partition: string;
  /** The response cache key the answer to this prompt is stored under. */
  readonly exactKey: string;
  /** The compared text (the prompt, or its last turns), for the polarity guard and verification. */
  readonly text: string;
  /** The text's unit vector, of the index's `dimensions`. */
  readonly vector: Float32Array;
}

/** An entry found by `search`. */
export interface SemanticIndexMatch {
  /** The id `add` returned for it; pass it to `remove` to forget the entry. */
  readonly id: number;
  readonly exactKey: string;
  readonly text: string;
  /** The exact cosine similarity with the query, rounded to 1e-6. */
  readonly similarity: number;
}

export interface SemanticIndex {
  /** The length every vector added or searched must have. */
  readonly dimensions: number;
  /**
   * Indexes `entry` and returns its id: a positive integer, larger than every id this index (or
   * its file) handed out before, never reused. Beyond the index's `maxEntries`, the oldest
   * entries (smallest ids) are dropped.
   */
  add(entry: SemanticIndexEntry): number;
  /** Drops the entry with this id; an unknown or already dropped id is ignored. */
  remove(id: number): void;
  /**
   * Up to `limit` entries of `partition` whose similarity to `vector` is at least `threshold`
   * and that `accept` lets through, best first (ties: the newer first). `accept` is asked about
   * the best candidates only, in that order, until `limit` are accepted.
   */
  search(vector: Float32Array, partition: string, threshold: number, accept: (text: string) => boolean, limit?: number): SemanticIndexMatch[];
  /** How many entries the index holds. */
  size(): number;
  /**
   * Runs `work` (adds and removes) as one unit: in SQLite one transaction, so filling the index in
   * bulk commits once per batch rather than once per entry. Returns what `work` returns.
   */
  batch<Result>(work: () => Result): Result;
  /** Releases what the index holds (its memory, its database connection); safe to call twice. Later calls throw. */
  close(): void;
}

/** The similarity of two unit vectors as the index reports it: their dot product, rounded to 1e-6. */
export function roundedSimilarity(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < left.length; index += 1) dot += (left[index] as number) * (right[index] as number);
  return Math.round(dot * 1e6) / 1e6;
}

/** Throws the `RangeError` for a call's bad arguments; shared so every implementation rejects the same things. */
export function checkSemanticIndexVector(vector: Float32Array, dimensions: number): void {
  if (!(vector instanceof Float32Array) || vector.length !== dimensions) {
    throw new RangeError(`semantic index: expected a Float32Array of ${dimensions} dimensions, got ${vector instanceof Float32Array ? vector.length : typeof vector}`);
  }
}

/** Throws a `RangeError` unless `threshold` is in (0, 1] and `limit` a positive integer. */
export function checkSemanticSearchArguments(threshold: number, limit: number): void {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`semantic index: threshold must be in (0, 1], got ${threshold}`);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`semantic index: limit must be a positive integer, got ${limit}`);
}

/**
 * The search result from every match at or above the threshold: best first (the newer first on a
 * tie), `accept` asked in that order until `limit` are accepted. Sorts `matches` in place.
 */
export function acceptedBestFirst(matches: SemanticIndexMatch[], accept: (text: string) => boolean, limit: number): SemanticIndexMatch[] {
  matches.sort((left, right) => right.similarity - left.similarity || right.id - left.id);
  const accepted: SemanticIndexMatch[] = [];
  for (const match of matches) {
    if (accepted.length >= limit) break;
    if (accept(match.text)) accepted.push(match);
  }
  return accepted;
}

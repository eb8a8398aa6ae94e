import { afterEach, describe, expect, it } from 'vitest';
import type { SemanticIndex, SemanticIndexEntry } from './semantic-index.js';

/** The vector length every index under test is built with. */
const DIMENSIONS = 64;

export interface SemanticIndexContractOptions {
  readonly dimensions: number;
  readonly maxEntries: number;
}

/** A unit vector from a few non-zero components. */
function unit(components: Readonly<Record<number, number>>): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  for (const [index, value] of Object.entries(components)) vector[Number(index)] = value;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** Deterministic unit vectors with Gaussian-ish components: unrelated ones are far apart (cosine about ±0.1). */
function randomUnit(seed: number): Float32Array {
  let state = seed >>> 0;
  // mulberry32: consecutive seeds give unrelated sequences.
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const vector = new Float32Array(DIMENSIONS).map(() => next() + next() + next() - 1.5);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** `base` turned slightly towards `towards` (a unit vector about `weight` radians away, for small weights). */
function near(base: Float32Array, towards: Float32Array, weight: number): Float32Array {
  const mixed = base.map((value, index) => value + weight * (towards[index] as number));
  const norm = Math.hypot(...mixed);
  return mixed.map((value) => value / norm);
}

function dot(left: Float32Array, right: Float32Array): number {
  return Math.round(left.reduce((sum, value, index) => sum + value * (right[index] as number), 0) * 1e6) / 1e6;
}

const everything = () => true;
const QUESTION = unit({ 0: 1 });

function entry(vector: Float32Array, exactKey: string, partition = 'tenant:a|model'): SemanticIndexEntry {
  return { partition, exactKey, text: `text of ${exactKey}`, vector };
}

/**
 * The contract every `SemanticIndex` passes (memory, SQLite). Each test gets a fresh, empty index
 * from `createIndex`, of 64 dimensions and the given `maxEntries`; the suite closes it.
 */
export function describeSemanticIndexContract(name: string, createIndex: (options: SemanticIndexContractOptions) => SemanticIndex): void {
  describe(`${name} (semantic index contract)`, () => {
    const opened: SemanticIndex[] = [];

    function open(maxEntries = 1_000): SemanticIndex {
      const index = createIndex({ dimensions: DIMENSIONS, maxEntries });
      opened.push(index);
      return index;
    }

    afterEach(() => {
      for (const index of opened.splice(0)) index.close();
    });

    it('finds an entry by its own vector, with similarity 1, and hands back its key and text', () => {
      const index = open();
      const id = index.add(entry(QUESTION, 'answer-1'));
      expect(Number.isSafeInteger(id) && id > 0).toBe(true);
      expect(index.dimensions).toBe(DIMENSIONS);
      expect(index.size()).toBe(1);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, everything)).toEqual([{ id, exactKey: 'answer-1', text: 'text of answer-1', similarity: 1 }]);
    });

    it('keeps its own copy of the vector, whatever the caller does to it afterwards', () => {
      const index = open();
      const vector = Float32Array.from(QUESTION);
      index.add(entry(vector, 'answer-1'));
      vector.fill(0);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, everything).map((match) => match.exactKey)).toEqual(['answer-1']);
    });

    it('compares only within the partition asked for', () => {
      const index = open();
      index.add(entry(QUESTION, 'for-a', 'tenant:a|model'));
      index.add(entry(QUESTION, 'for-b', 'tenant:b|model'));
      index.add(entry(QUESTION, 'for-a-other-model', 'tenant:a|other-model'));
      expect(index.search(QUESTION, 'tenant:a|model', 0.9, everything).map((match) => match.exactKey)).toEqual(['for-a']);
      expect(index.search(QUESTION, 'tenant:b|model', 0.9, everything).map((match) => match.exactKey)).toEqual(['for-b']);
      expect(index.search(QUESTION, 'tenant:c|model', 0.9, everything)).toEqual([]);
      expect(index.search(QUESTION, 'tenant:a', 0.9, everything)).toEqual([]);
    });

    it('returns only entries at or above the threshold, the rounded similarity counting', () => {
      const index = open();
      const close = near(QUESTION, unit({ 1: 1 }), 0.1);
      const farther = near(QUESTION, unit({ 2: 1 }), 0.3);
      index.add(entry(close, 'close'));
      index.add(entry(farther, 'farther'));
      index.add(entry(unit({ 3: 1 }), 'unrelated'));
      const closeSimilarity = dot(QUESTION, close);
      expect(closeSimilarity).toBeGreaterThan(0.99);
      expect(dot(QUESTION, farther)).toBeLessThan(0.99);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, everything)).toEqual([expect.objectContaining({ exactKey: 'close', similarity: closeSimilarity })]);
      expect(index.search(QUESTION, 'tenant:a|model', closeSimilarity, everything).map((match) => match.exactKey)).toEqual(['close']);
      expect(index.search(QUESTION, 'tenant:a|model', closeSimilarity + 1e-6, everything)).toEqual([]);
    });

    it('ranks matches best first, the newer first on a tie', () => {
      const index = open();
      const second = near(QUESTION, unit({ 1: 1 }), 0.05);
      const third = near(QUESTION, unit({ 1: 1 }), 0.1);
      index.add(entry(third, 'third'));
      index.add(entry(QUESTION, 'first-older'));
      index.add(entry(second, 'second'));
      index.add(entry(QUESTION, 'first-newer'));
      const matches = index.search(QUESTION, 'tenant:a|model', 0.99, everything, 10);
      expect(matches.map((match) => match.exactKey)).toEqual(['first-newer', 'first-older', 'second', 'third']);
      expect(matches.map((match) => match.similarity)).toEqual([1, 1, dot(QUESTION, second), dot(QUESTION, third)]);
    });

    it('asks accept about the best candidates in order, until the limit is accepted (3 by default)', () => {
      const index = open();
      const vectors = Array.from({ length: 6 }, (_, item) => near(QUESTION, unit({ 1: 1 }), item * 0.02));
      vectors.forEach((vector, item) => index.add(entry(vector, `answer-${item}`)));
      const asked: string[] = [];
      const matches = index.search(QUESTION, 'tenant:a|model', 0.99, (text) => {
        asked.push(text);
        return text !== 'text of answer-1';
      }, 2);
      expect(matches.map((match) => match.exactKey)).toEqual(['answer-0', 'answer-2']);
      expect(asked).toEqual(['text of answer-0', 'text of answer-1', 'text of answer-2']);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, everything)).toHaveLength(3);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, () => false)).toEqual([]);
    });

    it('forgets a removed entry, ignores an unknown id, and never hands an id out again', () => {
      const index = open();
      const first = index.add(entry(QUESTION, 'first'));
      const second = index.add(entry(near(QUESTION, unit({ 1: 1 }), 0.05), 'second'));
      index.remove(first);
      index.remove(first);
      index.remove(first + second + 1_000);
      expect(index.size()).toBe(1);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, everything).map((match) => match.exactKey)).toEqual(['second']);
      index.remove(second);
      const third = index.add(entry(QUESTION, 'third'));
      expect(third).toBeGreaterThan(second);
      expect(index.size()).toBe(1);
    });

    it('keeps at most maxEntries, dropping the oldest first', () => {
      const index = open(3);
      const ids = ['one', 'two', 'three', 'four', 'five'].map((key, item) => index.add(entry(near(QUESTION, unit({ [item + 1]: 1 }), 0.05), key)));
      expect(ids).toEqual([...ids].sort((left, right) => left - right));
      expect(index.size()).toBe(3);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, everything, 10).map((match) => match.exactKey).sort()).toEqual(['five', 'four', 'three']);
      index.remove(ids[4] as number);
      index.add(entry(QUESTION, 'six'));
      expect(index.size()).toBe(3);
      expect(index.search(QUESTION, 'tenant:a|model', 0.99, everything, 10).map((match) => match.exactKey).sort()).toEqual(['four', 'six', 'three']);
    });

    it('matches the zero vector with nothing, itself included', () => {
      const index = open();
      const zero = new Float32Array(DIMENSIONS);
      index.add(entry(zero, 'nothing-to-embed'));
      index.add(entry(QUESTION, 'question'));
      expect(index.search(zero, 'tenant:a|model', 0.5, everything)).toEqual([]);
      expect(index.search(QUESTION, 'tenant:a|model', 0.5, everything).map((match) => match.exactKey)).toEqual(['question']);
    });

    it('finds a near duplicate among thousands of unrelated entries', () => {
      const index = open(5_000);
      const ids = index.batch(() => Array.from({ length: 3_000 }, (_, item) => index.add(entry(randomUnit(item + 1), `answer-${item}`, `tenant:${item % 3}|model`))));
      expect(index.size()).toBe(3_000);
      const target = 1_234;
      const query = near(randomUnit(target + 1), randomUnit(99_999), 0.05);
      const matches = index.search(query, `tenant:${target % 3}|model`, 0.99, everything);
      expect(matches.map((match) => match.id)).toEqual([ids[target]]);
      expect(matches[0]?.similarity).toBe(dot(query, randomUnit(target + 1)));
      expect(index.search(query, `tenant:${(target + 1) % 3}|model`, 0.99, everything)).toEqual([]);
    });

    it('rejects a vector of another length, a threshold outside (0, 1] and a limit below 1 with a RangeError', () => {
      const index = open();
      expect(() => index.add(entry(new Float32Array(DIMENSIONS + 1), 'too-long'))).toThrow(RangeError);
      expect(() => index.search(new Float32Array(DIMENSIONS - 1), 'tenant:a|model', 0.9, everything)).toThrow(RangeError);
      for (const threshold of [0, -0.5, 1.01, Number.NaN]) expect(() => index.search(QUESTION, 'tenant:a|model', threshold, everything)).toThrow(RangeError);
      for (const limit of [0, 1.5, -1]) expect(() => index.search(QUESTION, 'tenant:a|model', 0.9, everything, limit)).toThrow(RangeError);
      expect(index.size()).toBe(0);
    });

    it('throws once closed, so a caller can treat it as a miss; closing twice is safe', () => {
      const index = open();
      index.add(entry(QUESTION, 'answer'));
      index.close();
      index.close();
      expect(() => index.search(QUESTION, 'tenant:a|model', 0.9, everything)).toThrow();
      expect(() => index.add(entry(QUESTION, 'late'))).toThrow();
    });
  });
}

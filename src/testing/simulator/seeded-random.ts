/**
 * Deterministic pseudo-random numbers for the provider simulator.
 *
 * mulberry32 is tiny, fast and good enough for generating plausible text; it is not
 * cryptographic and must never be used for anything but simulation.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [minimum, maximum] (both inclusive). */
  integer(minimum: number, maximum: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  }
  return {
    next,
    integer(minimum, maximum) {
      return minimum + Math.floor(next() * (maximum - minimum + 1));
    },
    pick(items) {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick() needs a non-empty list');
      return item;
    },
  };
}

const fnvOffsetBasis = 0x811c9dc5;
const fnvPrime = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units; `previous` lets callers hash incrementally. */
export function hashString(text: string, previous: number = fnvOffsetBasis): number {
  let hash = previous;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, fnvPrime);
  }
  return hash >>> 0;
}

/** 32-bit FNV-1a step over one integer (used for token-id prefixes). */
export function hashInteger(value: number, previous: number = fnvOffsetBasis): number {
  let hash = previous;
  for (let shift = 0; shift < 32; shift += 8) {
    hash ^= (value >>> shift) & 0xff;
    hash = Math.imul(hash, fnvPrime);
  }
  return hash >>> 0;
}

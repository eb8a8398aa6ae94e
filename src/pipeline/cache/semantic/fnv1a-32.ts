/**
 * 32-bit hashing for feature hashing: FNV-1a over UTF-16 code units, which can be continued one
 * code unit at a time (so n-grams of a string are hashed without building substrings), and
 * MurmurHash3's finaliser, which spreads FNV's weak low bits before a hash picks a bucket and a sign.
 * All values are unsigned 32-bit integers.
 */

/** FNV-1a's 32-bit offset basis: the state before any input. */
export const fnv1aOffsetBasis = 0x811c9dc5;

const fnvPrime = 0x01000193;

/** Feeds one UTF-16 code unit into an FNV-1a state. */
export function fnv1aStep(state: number, codeUnit: number): number {
  return Math.imul(state ^ codeUnit, fnvPrime) >>> 0;
}

/** Feeds a whole string into an FNV-1a state (from the offset basis unless `state` is given). */
export function fnv1a32(text: string, state: number = fnv1aOffsetBasis): number {
  let hash = state;
  for (let index = 0; index < text.length; index += 1) hash = fnv1aStep(hash, text.charCodeAt(index));
  return hash;
}

/** MurmurHash3's 32-bit finaliser (`fmix32`): every input bit affects every output bit. */
export function fmix32(hash: number): number {
  let mixed = hash >>> 0;
  mixed ^= mixed >>> 16;
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return mixed >>> 0;
}

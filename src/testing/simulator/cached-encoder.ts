/**
 * `encode` (o200k_base) behind a cache bounded by total characters, oldest entries evicted
 * first. Encoding costs ~50 µs per 200 tokens, so repeated prompts must not pay it twice.
 */
import { encode } from 'gpt-tokenizer';

export type CachedEncoder = (text: string) => readonly number[];

export function createCachedEncoder(characterLimit: number): CachedEncoder {
  const cache = new Map<string, readonly number[]>();
  let cachedCharacters = 0;
  return function encodeCached(text) {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const ids = encode(text);
    if (text.length > characterLimit) return ids;
    cache.set(text, ids);
    cachedCharacters += text.length;
    for (const oldest of cache.keys()) {
      if (cachedCharacters <= characterLimit) break;
      cache.delete(oldest);
      cachedCharacters -= oldest.length;
    }
    return ids;
  };
}

/**
 * Mimics OpenAI's automatic prompt caching, deterministically.
 *
 * OpenAI caches prompts of 1024 tokens or more, in 128-token steps: a request can reuse the
 * longest previously seen prefix whose length is 1024 + k·128 tokens. The simulator does the
 * same: for every boundary length L = 1024, 1152, 1280, … ≤ the prompt's length it hashes the
 * first L token ids; `cached_tokens` is the largest L whose prefix hash this simulator instance
 * has seen before (0 otherwise), and then all of the prompt's boundaries are remembered.
 * So the first request with a prompt reports 0 and an identical second one reports
 * `1024 + floor((prompt_tokens - 1024) / 128) · 128`. Memory is bounded: the oldest
 * prefixes are forgotten first (the real cache also evicts).
 */
import { hashInteger } from './seeded-random.js';

export interface PromptCacheTrackerOptions {
  /** How many prefix hashes to remember. */
  readonly capacity?: number;
  readonly minimumTokens?: number;
  readonly incrementTokens?: number;
}

export interface PromptCacheTracker {
  /**
   * Returns `cached_tokens` for this prompt and remembers its prefixes. A `namespace` (e.g. a
   * hash of the model name) keeps separate caches apart; absent, all prompts share one.
   */
  observe(tokenIds: readonly number[], namespace?: number): number;
}

const secondHashBasis = 0x9e3779b9;

export function createPromptCacheTracker(options: PromptCacheTrackerOptions = {}): PromptCacheTracker {
  const capacity = options.capacity ?? 65_536;
  const minimumTokens = options.minimumTokens ?? 1024;
  const incrementTokens = options.incrementTokens ?? 128;
  const seenPrefixes = new Set<number>();

  function remember(prefixKey: number): void {
    seenPrefixes.delete(prefixKey);
    seenPrefixes.add(prefixKey);
    if (seenPrefixes.size > capacity) {
      const oldest = seenPrefixes.values().next();
      if (oldest.done !== true) seenPrefixes.delete(oldest.value);
    }
  }

  return {
    observe(tokenIds, namespace) {
      if (tokenIds.length < minimumTokens) return 0;
      const boundaryKeys: number[] = [];
      let hashA: number | undefined = namespace;
      let hashB = secondHashBasis;
      let nextBoundary = minimumTokens;
      for (let index = 0; index < tokenIds.length; index++) {
        const id = tokenIds[index] ?? 0;
        hashA = hashInteger(id, hashA);
        hashB = hashInteger(id, hashB);
        if (index + 1 === nextBoundary) {
          // 52 bits from two independent FNV-1a streams: collisions are negligible here.
          boundaryKeys.push(hashA * 0x100000 + (hashB & 0xfffff));
          nextBoundary += incrementTokens;
        }
      }
      let cachedTokens = 0;
      for (let position = boundaryKeys.length - 1; position >= 0; position--) {
        if (seenPrefixes.has(boundaryKeys[position] ?? -1)) {
          cachedTokens = minimumTokens + position * incrementTokens;
          break;
        }
      }
      for (const key of boundaryKeys) remember(key);
      return cachedTokens;
    },
  };
}

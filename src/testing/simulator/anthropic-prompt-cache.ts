/**
 * Anthropic's explicit prompt caching, deterministically.
 *
 * Rules (see anthropic-prompt.ts for the positions):
 * - Only breakpoints (blocks with `cache_control`) whose prefix is at least the model's
 *   minimum cacheable length take part; below it nothing is read or written.
 * - Read: the longest live cached prefix found at a breakpoint or up to 19 blocks before it
 *   (Anthropic's 20-block lookback), counted as `cache_read_input_tokens`.
 * - Write: the rest of the prompt up to the last eligible breakpoint, counted as
 *   `cache_creation_input_tokens` and split by TTL: each span between breakpoints is
 *   written with the TTL of the breakpoint that ends it (`ephemeral_5m/1h_input_tokens`).
 * - Every eligible breakpoint's prefix is then live for its TTL (5 minutes or 1 hour of the
 *   injected clock), refreshed each time a request marks it. Memory is bounded: the oldest
 *   entries are forgotten first.
 * So a first request writes, and an identical second one reads the same number of tokens.
 */
import type { PromptPosition } from './anthropic-prompt.js';

export interface AnthropicCacheUsage {
  readonly readTokens: number;
  readonly write5mTokens: number;
  readonly write1hTokens: number;
}

export interface AnthropicPromptCache {
  /** Usage for this prompt on a model with this minimum (absent: never caches); remembers its breakpoints. */
  observe(positions: readonly PromptPosition[], minimumCacheableTokens: number | undefined): AnthropicCacheUsage;
}

export interface AnthropicPromptCacheOptions {
  readonly now: () => number;
  /** How many cached prefixes to remember. Default 65536. */
  readonly capacity?: number;
}

const lookbackBlocks = 20;
const ttlMilliseconds = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
const noCaching: AnthropicCacheUsage = { readTokens: 0, write5mTokens: 0, write1hTokens: 0 };

export function createAnthropicPromptCache(options: AnthropicPromptCacheOptions): AnthropicPromptCache {
  const capacity = options.capacity ?? 65_536;
  const expiries = new Map<number, number>();

  function isLive(key: number, now: number): boolean {
    const expiresAt = expiries.get(key);
    return expiresAt !== undefined && expiresAt > now;
  }

  return {
    observe(positions, minimumCacheableTokens) {
      if (minimumCacheableTokens === undefined) return noCaching;
      const breakpoints: number[] = [];
      for (const [index, position] of positions.entries()) {
        if (position.breakpointTtl !== undefined && position.prefixTokens >= minimumCacheableTokens) breakpoints.push(index);
      }
      if (breakpoints.length === 0) return noCaching;
      const now = options.now();
      let readTokens = 0;
      for (const breakpoint of breakpoints) {
        for (let index = breakpoint; index >= 0 && index > breakpoint - lookbackBlocks; index--) {
          const position = positions[index];
          if (position === undefined || position.prefixTokens <= readTokens || position.prefixTokens < minimumCacheableTokens) continue;
          if (isLive(position.key, now)) readTokens = position.prefixTokens;
        }
      }
      let covered = readTokens;
      let write5mTokens = 0;
      let write1hTokens = 0;
      for (const breakpoint of breakpoints) {
        const position = positions[breakpoint];
        if (position === undefined) continue;
        if (position.prefixTokens > covered) {
          if (position.breakpointTtl === '1h') write1hTokens += position.prefixTokens - covered;
          else write5mTokens += position.prefixTokens - covered;
          covered = position.prefixTokens;
        }
        expiries.delete(position.key);
        expiries.set(position.key, now + ttlMilliseconds[position.breakpointTtl ?? '5m']);
        if (expiries.size > capacity) {
          const oldest = expiries.keys().next();
          if (oldest.done !== true) expiries.delete(oldest.value);
        }
      }
      return { readTokens, write5mTokens, write1hTokens };
    },
  };
}

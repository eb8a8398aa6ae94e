/**
 * Token usage normalised into disjoint buckets. Every bucket is `number | undefined`:
 * `undefined` means the provider did not say, never "zero".
 *
 * The buckets never overlap, so the billable total is their sum:
 * - `inputTokens`: input billed at the full input rate (uncached)
 * - `cacheReadTokens`: input served from the provider's prompt cache
 * - `cacheWrite5mTokens` / `cacheWrite1hTokens`: input written to the prompt cache (5-minute / 1-hour TTL)
 * - `outputTokens`: visible output (text, tool calls)
 * - `reasoningTokens`: hidden reasoning output, billed at the output rate
 */
export interface Usage {
  readonly inputTokens: number | undefined;
  readonly cacheReadTokens: number | undefined;
  readonly cacheWrite5mTokens: number | undefined;
  readonly cacheWrite1hTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly reasoningTokens: number | undefined;
}

export const unknownUsage: Usage = Object.freeze({
  inputTokens: undefined,
  cacheReadTokens: undefined,
  cacheWrite5mTokens: undefined,
  cacheWrite1hTokens: undefined,
  outputTokens: undefined,
  reasoningTokens: undefined,
});

/** Usage as normalised by an adapter, with the provider's own usage object kept beside it. */
export interface MeasuredUsage {
  readonly usage: Usage;
  /** The provider's usage payload exactly as received (JSON-serialisable), or `undefined` when none came. */
  readonly providerUsage: unknown;
}

/** Sum of all input buckets that are known; `undefined` when none is known. */
export function totalInputTokens(usage: Usage): number | undefined {
  return sumKnown([usage.inputTokens, usage.cacheReadTokens, usage.cacheWrite5mTokens, usage.cacheWrite1hTokens]);
}

/** Sum of visible output and reasoning; `undefined` when neither is known. */
export function totalOutputTokens(usage: Usage): number | undefined {
  return sumKnown([usage.outputTokens, usage.reasoningTokens]);
}

function sumKnown(values: ReadonlyArray<number | undefined>): number | undefined {
  let total: number | undefined;
  for (const value of values) {
    if (value !== undefined) total = (total ?? 0) + value;
  }
  return total;
}

/** Usage with the given buckets known and every other bucket unknown. */
export function usageOf(buckets: Partial<Usage>): Usage {
  return { ...unknownUsage, ...buckets };
}

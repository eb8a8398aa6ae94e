import type { Usage } from './usage.js';

export type LedgerStatus = 'ok' | 'error' | 'aborted';

/**
 * One append-only ledger row per billable attempt, idempotent on (requestId, attempt).
 * Token buckets are `null` when the provider did not report them; `costNanos` is `null` when the
 * price is unknown (then `priceUnknown` is true), never an invented number.
 */
export interface LedgerEntry {
  readonly requestId: string;
  /** 1-based attempt number within the request. */
  readonly attempt: number;
  /** Wall-clock ms when the attempt started. */
  readonly timestamp: number;
  readonly virtualKeyId: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user: string | null;
  readonly feature: string | null;
  readonly endpoint: string;
  readonly logicalModel: string;
  readonly providerId: string;
  readonly upstreamModel: string;
  readonly stream: boolean;
  readonly inputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheWrite5mTokens: number | null;
  readonly cacheWrite1hTokens: number | null;
  readonly outputTokens: number | null;
  readonly reasoningTokens: number | null;
  /** The provider's usage object as JSON text, or `null`. */
  readonly providerUsage: string | null;
  readonly costNanos: number | null;
  readonly priceUnknown: boolean;
  /** Where the price came from: `genai-prices`, `config`, or `null` when unknown. */
  readonly priceSource: string | null;
  readonly costAvoidedNanos: number;
  readonly latencyMs: number;
  /** Time to first token for streams; `null` for non-streaming calls or when nothing arrived. */
  readonly ttftMs: number | null;
  readonly status: LedgerStatus;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  /** `miss`, `hit`, `semantic-hit`, `bypass`, or `null` when no cache stage ran. */
  readonly cacheStatus: string | null;
  readonly cacheSimilarity: number | null;
  /** Which route / rung served the attempt, e.g. `primary`. */
  readonly route: string | null;
  readonly routeReason: string | null;
  /** Warnings joined by `; `, or `null`. */
  readonly warnings: string | null;
}

export function usageToLedgerBuckets(usage: Usage): Pick<
  LedgerEntry,
  'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'outputTokens' | 'reasoningTokens'
> {
  return {
    inputTokens: usage.inputTokens ?? null,
    cacheReadTokens: usage.cacheReadTokens ?? null,
    cacheWrite5mTokens: usage.cacheWrite5mTokens ?? null,
    cacheWrite1hTokens: usage.cacheWrite1hTokens ?? null,
    outputTokens: usage.outputTokens ?? null,
    reasoningTokens: usage.reasoningTokens ?? null,
  };
}

import type { Nanos } from '../core/money.js';
import { totalInputTokens, type Usage } from '../core/usage.js';
import { isTieredRate, nanosPerMTokAt, type Rate, type TieredModelPrice } from './tiered-model-price.js';

export type UsageCost =
  | { readonly kind: 'priced'; readonly nanos: Nanos }
  | { readonly kind: 'unknown'; readonly reason: string };

const TOKENS_PER_MTOK = 1_000_000n;

/**
 * The cost of `usage` at `price`, in integer nano-dollars.
 *
 * Each bucket's exact cost is `tokens × nanosPerMTok / 1_000_000`. The products are summed as
 * BigInt in nanos-per-MTok units (no rounding yet), and the total is divided by a million and
 * rounded half-up **once**: two buckets of 0.5 nanos each cost 1 nano, not 2.
 *
 * - A bucket whose count is `undefined` contributes nothing; if every bucket is `undefined` the
 *   cost is unknown ("usage not reported"), never $0.
 * - Tokens in a bucket with no price make the cost unknown; nothing is borrowed from another bucket.
 * - Reasoning tokens are billed at the reasoning rate, else the output rate.
 *
 * `priceName` (e.g. `openai/gpt-4o`) only appears in the reasons.
 */
export function costOfUsage(usage: Usage, price: TieredModelPrice, priceName: string): UsageCost {
  const buckets: ReadonlyArray<readonly [name: string, tokens: number | undefined, rate: Rate]> = [
    ['input', usage.inputTokens, price.input],
    ['cache_read', usage.cacheReadTokens, price.cacheRead],
    ['cache_write', usage.cacheWrite5mTokens, price.cacheWrite5m],
    ['cache_write_1h', usage.cacheWrite1hTokens, price.cacheWrite1h],
    ['output', usage.outputTokens, price.output],
    ['reasoning', usage.reasoningTokens, price.reasoning ?? price.output],
  ];
  if (buckets.every(([, tokens]) => tokens === undefined)) {
    return { kind: 'unknown', reason: `usage not reported for ${priceName}` };
  }
  const inputTotal = totalInputTokens(usage);
  let scaledNanos = 0n;
  for (const [name, tokens, rate] of buckets) {
    if (tokens === undefined) continue;
    if (!Number.isSafeInteger(tokens) || tokens < 0) {
      return { kind: 'unknown', reason: `invalid ${name} token count ${tokens} for ${priceName}` };
    }
    if (tokens === 0) continue;
    if (rate === undefined) {
      return { kind: 'unknown', reason: `no ${name} price for ${priceName} (${tokens} ${name} tokens)` };
    }
    if (isTieredRate(rate) && inputTotal === undefined) {
      return { kind: 'unknown', reason: `${priceName} is priced by input size, but input tokens were not reported` };
    }
    scaledNanos += BigInt(tokens) * BigInt(nanosPerMTokAt(rate, inputTotal ?? 0));
  }
  // A per-request fee of F nanos per thousand requests is F / 1000 nanos, i.e. F × 1000 in per-MTok units.
  scaledNanos += BigInt(price.perThousandRequestsNanos ?? 0) * 1000n;
  const nanos = (scaledNanos + TOKENS_PER_MTOK / 2n) / TOKENS_PER_MTOK;
  if (nanos > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { kind: 'unknown', reason: `cost for ${priceName} exceeds the largest representable amount` };
  }
  return { kind: 'priced', nanos: Number(nanos) };
}

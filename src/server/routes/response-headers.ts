import type { Clock } from '../../core/clock.js';
import { formatUsd } from '../../core/money.js';
import type { RequestContext } from '../../core/request-context.js';

/** Sum of the request's attempt costs; `null` when any attempt's cost is unknown. */
export function requestCostNanos(context: RequestContext): number | null {
  let total = 0;
  for (const attempt of context.attempts) {
    if (attempt.costNanos === null) return null;
    total += attempt.costNanos;
  }
  return total;
}

/** Time the gateway itself spent: elapsed since arrival minus the time spent waiting on providers. */
export function overheadMs(context: RequestContext, clock: Clock): number {
  let upstream = 0;
  for (const attempt of context.attempts) upstream += attempt.upstreamLatencyMs;
  return Math.max(0, clock.monotonic() - context.receivedAtMonotonic - upstream);
}

/**
 * The `x-tollgate-*` headers every answered request carries. Streams pass `measuredOverheadMs`
 * (the gateway's own time before the upstream call), since their attempts settle after the headers.
 */
export function tollgateHeaders(context: RequestContext, clock: Clock, measuredOverheadMs?: number): Record<string, string> {
  const cost = requestCostNanos(context);
  const headers: Record<string, string> = {
    'x-tollgate-request-id': context.requestId,
    'x-tollgate-cost-usd': cost === null ? 'unknown' : formatUsd(cost),
    'x-tollgate-overhead-ms': (measuredOverheadMs ?? overheadMs(context, clock)).toFixed(3),
    // The route of the latest attempt, which is the one answering (a stream's attempt settles after the headers).
    'x-tollgate-route': context.route,
    'x-tollgate-cache': context.cacheOutcome,
    ...context.limitHeaders,
  };
  const last = context.attempts[context.attempts.length - 1];
  const serving = context.servingDeployment ?? (last === undefined ? null : `${last.providerId}/${last.upstreamModel}`);
  if (serving !== null) headers['x-tollgate-provider'] = serving;
  if (context.warnings.length > 0) headers['x-tollgate-warning'] = sanitiseHeader(context.warnings.join('; '));
  return headers;
}

function sanitiseHeader(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 1000);
}

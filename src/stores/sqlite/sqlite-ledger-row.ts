import type { LedgerEntry, LedgerStatus } from '../../core/ledger-entry.js';

/** A `ledger` table row as better-sqlite3 reads and binds it. */
export interface SqliteLedgerRow {
  request_id: string;
  attempt: number;
  timestamp: number;
  virtual_key_id: string | null;
  org: string | null;
  team: string | null;
  user_id: string | null;
  feature: string | null;
  endpoint: string;
  logical_model: string;
  provider_id: string;
  upstream_model: string;
  stream: 0 | 1;
  input_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_5m_tokens: number | null;
  cache_write_1h_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  provider_usage: string | null;
  cost_nanos: number | null;
  price_unknown: 0 | 1;
  price_source: string | null;
  cost_avoided_nanos: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: string;
  http_status: number | null;
  error_code: string | null;
  cache_status: string | null;
  cache_similarity: number | null;
  route: string | null;
  route_reason: string | null;
  warnings: string | null;
}

export function ledgerEntryToRow(entry: LedgerEntry): SqliteLedgerRow {
  return {
    request_id: entry.requestId,
    attempt: entry.attempt,
    timestamp: entry.timestamp,
    virtual_key_id: entry.virtualKeyId,
    org: entry.org,
    team: entry.team,
    user_id: entry.user,
    feature: entry.feature,
    endpoint: entry.endpoint,
    logical_model: entry.logicalModel,
    provider_id: entry.providerId,
    upstream_model: entry.upstreamModel,
    stream: entry.stream ? 1 : 0,
    input_tokens: entry.inputTokens,
    cache_read_tokens: entry.cacheReadTokens,
    cache_write_5m_tokens: entry.cacheWrite5mTokens,
    cache_write_1h_tokens: entry.cacheWrite1hTokens,
    output_tokens: entry.outputTokens,
    reasoning_tokens: entry.reasoningTokens,
    provider_usage: entry.providerUsage,
    cost_nanos: entry.costNanos,
    price_unknown: entry.priceUnknown ? 1 : 0,
    price_source: entry.priceSource,
    cost_avoided_nanos: entry.costAvoidedNanos,
    latency_ms: entry.latencyMs,
    ttft_ms: entry.ttftMs,
    status: entry.status,
    http_status: entry.httpStatus,
    error_code: entry.errorCode,
    cache_status: entry.cacheStatus,
    cache_similarity: entry.cacheSimilarity,
    route: entry.route,
    route_reason: entry.routeReason,
    warnings: entry.warnings,
  };
}

export function ledgerRowToEntry(row: SqliteLedgerRow): LedgerEntry {
  return {
    requestId: row.request_id,
    attempt: row.attempt,
    timestamp: row.timestamp,
    virtualKeyId: row.virtual_key_id,
    org: row.org,
    team: row.team,
    user: row.user_id,
    feature: row.feature,
    endpoint: row.endpoint,
    logicalModel: row.logical_model,
    providerId: row.provider_id,
    upstreamModel: row.upstream_model,
    stream: row.stream === 1,
    inputTokens: row.input_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWrite5mTokens: row.cache_write_5m_tokens,
    cacheWrite1hTokens: row.cache_write_1h_tokens,
    outputTokens: row.output_tokens,
    reasoningTokens: row.reasoning_tokens,
    providerUsage: row.provider_usage,
    costNanos: row.cost_nanos,
    priceUnknown: row.price_unknown === 1,
    priceSource: row.price_source,
    costAvoidedNanos: row.cost_avoided_nanos,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    // Written only from a validated LedgerEntry, so the column holds a LedgerStatus.
    status: row.status as LedgerStatus,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    cacheStatus: row.cache_status,
    cacheSimilarity: row.cache_similarity,
    route: row.route,
    routeReason: row.route_reason,
    warnings: row.warnings,
  };
}

/** Every column, once (the `Record` makes the compiler check none is missing). */
const columnSet: Record<keyof SqliteLedgerRow, true> = {
  request_id: true,
  attempt: true,
  timestamp: true,
  virtual_key_id: true,
  org: true,
  team: true,
  user_id: true,
  feature: true,
  endpoint: true,
  logical_model: true,
  provider_id: true,
  upstream_model: true,
  stream: true,
  input_tokens: true,
  cache_read_tokens: true,
  cache_write_5m_tokens: true,
  cache_write_1h_tokens: true,
  output_tokens: true,
  reasoning_tokens: true,
  provider_usage: true,
  cost_nanos: true,
  price_unknown: true,
  price_source: true,
  cost_avoided_nanos: true,
  latency_ms: true,
  ttft_ms: true,
  status: true,
  http_status: true,
  error_code: true,
  cache_status: true,
  cache_similarity: true,
  route: true,
  route_reason: true,
  warnings: true,
};

/** Column names in table order, for INSERT and SELECT lists. */
export const ledgerColumns = Object.keys(columnSet) as readonly (keyof SqliteLedgerRow)[];

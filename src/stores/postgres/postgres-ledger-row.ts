import type { LedgerEntry, LedgerStatus } from '../../core/ledger-entry.js';

/** A `ledger` row as `pg` reads it from this schema's pool (`bigint` as exact numbers). */
export interface PostgresLedgerRow {
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
  stream: boolean;
  input_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_5m_tokens: number | null;
  cache_write_1h_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  provider_usage: string | null;
  cost_nanos: number | null;
  price_unknown: boolean;
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

/**
 * Every column with its SQL type, in table order (the `Record` makes the compiler check none is
 * missing). The types cast the per-column arrays of the batched INSERT.
 */
const columnTypes: Record<keyof PostgresLedgerRow, 'text' | 'bigint' | 'boolean' | 'double precision'> = {
  request_id: 'text',
  attempt: 'bigint',
  timestamp: 'bigint',
  virtual_key_id: 'text',
  org: 'text',
  team: 'text',
  user_id: 'text',
  feature: 'text',
  endpoint: 'text',
  logical_model: 'text',
  provider_id: 'text',
  upstream_model: 'text',
  stream: 'boolean',
  input_tokens: 'bigint',
  cache_read_tokens: 'bigint',
  cache_write_5m_tokens: 'bigint',
  cache_write_1h_tokens: 'bigint',
  output_tokens: 'bigint',
  reasoning_tokens: 'bigint',
  provider_usage: 'text',
  cost_nanos: 'bigint',
  price_unknown: 'boolean',
  price_source: 'text',
  cost_avoided_nanos: 'bigint',
  latency_ms: 'double precision',
  ttft_ms: 'double precision',
  status: 'text',
  http_status: 'bigint',
  error_code: 'text',
  cache_status: 'text',
  cache_similarity: 'double precision',
  route: 'text',
  route_reason: 'text',
  warnings: 'text',
};

/** Column names in table order, for INSERT and SELECT lists. */
export const postgresLedgerColumns = Object.keys(columnTypes) as readonly (keyof PostgresLedgerRow)[];

/**
 * One INSERT for any number of rows: a parameter per column, each an array with one element
 * per row, zipped back into rows by `unnest`. The text never changes, so it is prepared once per
 * connection, and no batch size comes near PostgreSQL's 65,535-parameter limit.
 */
export const insertLedgerRowsSql = `
  INSERT INTO ledger (${postgresLedgerColumns.join(', ')})
  SELECT * FROM unnest(${postgresLedgerColumns.map((column, index) => `$${index + 1}::${columnTypes[column]}[]`).join(', ')})
  ON CONFLICT (request_id, attempt) DO NOTHING`;

/** The INSERT's parameters: for each column, the values of every entry, in entry order. */
export function ledgerEntriesToColumnArrays(entries: readonly LedgerEntry[]): unknown[][] {
  const arrays: unknown[][] = postgresLedgerColumns.map(() => new Array<unknown>(entries.length));
  entries.forEach((entry, rowIndex) => {
    const row = ledgerEntryToRow(entry);
    postgresLedgerColumns.forEach((column, columnIndex) => {
      (arrays[columnIndex] as unknown[])[rowIndex] = row[column];
    });
  });
  return arrays;
}

export function ledgerEntryToRow(entry: LedgerEntry): PostgresLedgerRow {
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
    stream: entry.stream,
    input_tokens: entry.inputTokens,
    cache_read_tokens: entry.cacheReadTokens,
    cache_write_5m_tokens: entry.cacheWrite5mTokens,
    cache_write_1h_tokens: entry.cacheWrite1hTokens,
    output_tokens: entry.outputTokens,
    reasoning_tokens: entry.reasoningTokens,
    provider_usage: entry.providerUsage,
    cost_nanos: entry.costNanos,
    price_unknown: entry.priceUnknown,
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

export function ledgerRowToEntry(row: PostgresLedgerRow): LedgerEntry {
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
    stream: row.stream,
    inputTokens: row.input_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWrite5mTokens: row.cache_write_5m_tokens,
    cacheWrite1hTokens: row.cache_write_1h_tokens,
    outputTokens: row.output_tokens,
    reasoningTokens: row.reasoning_tokens,
    providerUsage: row.provider_usage,
    costNanos: row.cost_nanos,
    priceUnknown: row.price_unknown,
    priceSource: row.price_source,
    costAvoidedNanos: row.cost_avoided_nanos,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    // The column's CHECK admits only LedgerStatus values.
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

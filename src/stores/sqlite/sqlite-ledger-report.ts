import type BetterSqlite3 from 'better-sqlite3';
import type { ResolvedReportQuery } from '../ledger-query.js';
import type { LedgerReport, ReportGroup, ReportRequest, ReportTotals } from '../ledger-store.js';

/*
 * The ledger report as SQL aggregates. Kept apart from the store so a PostgreSQL store can
 * mirror it: the SQL is standard apart from the UTC day expression (PostgreSQL:
 * `to_char(to_timestamp(timestamp / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`).
 * SQLite sums INTEGER columns in 64-bit integers (and fails on overflow); the statements read
 * them as BigInt and `exactNumber` refuses any value a JS number cannot hold exactly.
 */

/**
 * The shared aggregate list; every report part is these sums over some set of rows. Cost avoided
 * is split by `cache_status` as the memory store splits it: `hit` is the exact cache,
 * `semantic-hit` the semantic cache, anything else (NULL included, as `NULL IN (…)` is not
 * true) provider prompt caching, so the three always add up to `cost_avoided_nanos`.
 */
export const ledgerAggregateColumns = `
  COUNT(DISTINCT request_id)                                               AS requests,
  COUNT(*)                                                                 AS attempts,
  COUNT(CASE WHEN status <> 'ok' THEN 1 END)                               AS errors,
  COALESCE(SUM(input_tokens), 0)                                           AS input_tokens,
  COALESCE(SUM(cache_read_tokens), 0)                                      AS cache_read_tokens,
  COALESCE(SUM(cache_write_5m_tokens), 0) + COALESCE(SUM(cache_write_1h_tokens), 0) AS cache_write_tokens,
  COALESCE(SUM(output_tokens), 0)                                          AS output_tokens,
  COALESCE(SUM(reasoning_tokens), 0)                                       AS reasoning_tokens,
  COALESCE(SUM(cost_nanos), 0)                                             AS total_cost_nanos,
  COUNT(*) - COUNT(cost_nanos)                                             AS unpriced_attempts,
  COALESCE(SUM(cost_avoided_nanos), 0)                                     AS cost_avoided_nanos,
  COALESCE(SUM(CASE WHEN cache_status = 'hit' THEN cost_avoided_nanos END), 0) AS saved_exact_cache_nanos,
  COALESCE(SUM(CASE WHEN cache_status = 'semantic-hit' THEN cost_avoided_nanos END), 0) AS saved_semantic_cache_nanos,
  COALESCE(SUM(CASE WHEN cache_status IN ('hit', 'semantic-hit') THEN NULL ELSE cost_avoided_nanos END), 0) AS saved_prompt_cache_nanos`;

/** `YYYY-MM-DD` in UTC from integer ms (fractional seconds keep 23:59:59.999 on its own day). */
export const utcDayExpression = `date(timestamp / 1000.0, 'unixepoch')`;

type GroupedBy = 'day' | 'model' | 'user' | 'feature';

const groupKeyExpressions: Record<GroupedBy, string> = {
  day: utcDayExpression,
  model: 'logical_model',
  user: 'user_id',
  feature: 'feature',
};

/** `WHERE` for the report window: since inclusive, until exclusive; only the bounds given. */
export function windowClause(query: Pick<ResolvedReportQuery, 'since' | 'until'>): string {
  const conditions = [query.since === null ? null : 'timestamp >= @since', query.until === null ? null : 'timestamp < @until'];
  const present = conditions.filter((condition) => condition !== null);
  return present.length === 0 ? '' : `WHERE ${present.join(' AND ')}`;
}

export function totalsSql(query: ResolvedReportQuery): string {
  return `SELECT ${ledgerAggregateColumns} FROM ledger ${windowClause(query)}`;
}

/** Days ascending, all of them; other groups by cost descending, key ascending (null first), top only. */
export function groupSql(groupedBy: GroupedBy, query: ResolvedReportQuery): string {
  const order = groupedBy === 'day' ? 'ORDER BY group_key ASC' : 'ORDER BY total_cost_nanos DESC, group_key ASC NULLS FIRST LIMIT @top';
  return `SELECT ${groupKeyExpressions[groupedBy]} AS group_key, ${ledgerAggregateColumns}
    FROM ledger ${windowClause(query)} GROUP BY group_key ${order}`;
}

/** Requests summed across their attempts in the window; model and tags from the earliest attempt. */
export function topRequestsSql(query: ResolvedReportQuery): string {
  return `
    WITH windowed AS (
      SELECT request_id, attempt, timestamp, logical_model, user_id, feature, input_tokens, output_tokens, cost_nanos
      FROM ledger ${windowClause(query)}
    ), per_request AS (
      SELECT request_id,
             MIN(timestamp)                  AS first_timestamp,
             MIN(attempt)                    AS first_attempt,
             COUNT(*)                        AS attempts,
             COALESCE(SUM(input_tokens), 0)  AS input_tokens,
             COALESCE(SUM(output_tokens), 0) AS output_tokens,
             COALESCE(SUM(cost_nanos), 0)    AS total_cost_nanos
      FROM windowed GROUP BY request_id
      ORDER BY total_cost_nanos DESC, request_id ASC LIMIT @top
    )
    SELECT per_request.*, windowed.logical_model, windowed.user_id, windowed.feature
    FROM per_request
    JOIN windowed ON windowed.request_id = per_request.request_id AND windowed.attempt = per_request.first_attempt
    ORDER BY per_request.total_cost_nanos DESC, per_request.request_id ASC`;
}

type SqlInteger = bigint | number;

interface AggregateRow {
  readonly group_key?: string | null;
  readonly requests: SqlInteger;
  readonly attempts: SqlInteger;
  readonly errors: SqlInteger;
  readonly input_tokens: SqlInteger;
  readonly cache_read_tokens: SqlInteger;
  readonly cache_write_tokens: SqlInteger;
  readonly output_tokens: SqlInteger;
  readonly reasoning_tokens: SqlInteger;
  readonly total_cost_nanos: SqlInteger;
  readonly unpriced_attempts: SqlInteger;
  readonly cost_avoided_nanos: SqlInteger;
  readonly saved_exact_cache_nanos: SqlInteger;
  readonly saved_semantic_cache_nanos: SqlInteger;
  readonly saved_prompt_cache_nanos: SqlInteger;
}

interface RequestRow {
  readonly request_id: string;
  readonly first_timestamp: SqlInteger;
  readonly attempts: SqlInteger;
  readonly input_tokens: SqlInteger;
  readonly output_tokens: SqlInteger;
  readonly total_cost_nanos: SqlInteger;
  readonly logical_model: string;
  readonly user_id: string | null;
  readonly feature: string | null;
}

/**
 * Builds the report function for one database. Statements are prepared once per window shape
 * and cached; all parts of one report read one snapshot (a single read transaction).
 */
export function createSqliteLedgerReport(database: BetterSqlite3.Database): (query: ResolvedReportQuery) => LedgerReport {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const statementFor = (name: string, query: ResolvedReportQuery, build: () => string): BetterSqlite3.Statement => {
    const cacheKey = `${name}:${query.since !== null}:${query.until !== null}`;
    let statement = statements.get(cacheKey);
    if (!statement) {
      statement = database.prepare(build()).safeIntegers(true);
      statements.set(cacheKey, statement);
    }
    return statement;
  };

  const readReport = database.transaction((query: ResolvedReportQuery): LedgerReport => {
    const window = windowParameters(query);
    const limited = { ...window, top: query.top };
    const groups = (groupedBy: GroupedBy): ReportGroup[] => {
      const statement = statementFor(groupedBy, query, () => groupSql(groupedBy, query));
      const rows = statement.all(groupedBy === 'day' ? window : limited) as AggregateRow[];
      return rows.map(toGroup);
    };
    const totalsRow = statementFor('totals', query, () => totalsSql(query)).get(window) as AggregateRow;
    const requestRows = statementFor('top-requests', query, () => topRequestsSql(query)).all(limited) as RequestRow[];
    return {
      since: query.since,
      until: query.until,
      totals: toTotals(totalsRow),
      byDay: groups('day'),
      byModel: groups('model'),
      byUser: groups('user'),
      byFeature: groups('feature'),
      topRequests: requestRows.map(toRequest),
    };
  });

  return (query) => readReport(query);
}

function windowParameters(query: ResolvedReportQuery): Record<string, number> {
  const parameters: Record<string, number> = {};
  if (query.since !== null) parameters['since'] = query.since;
  if (query.until !== null) parameters['until'] = query.until;
  return parameters;
}

function toTotals(row: AggregateRow): ReportTotals {
  return {
    requests: exactNumber('requests', row.requests),
    attempts: exactNumber('attempts', row.attempts),
    errors: exactNumber('errors', row.errors),
    inputTokens: exactNumber('inputTokens', row.input_tokens),
    cacheReadTokens: exactNumber('cacheReadTokens', row.cache_read_tokens),
    cacheWriteTokens: exactNumber('cacheWriteTokens', row.cache_write_tokens),
    outputTokens: exactNumber('outputTokens', row.output_tokens),
    reasoningTokens: exactNumber('reasoningTokens', row.reasoning_tokens),
    costNanos: exactNumber('costNanos', row.total_cost_nanos),
    unpricedAttempts: exactNumber('unpricedAttempts', row.unpriced_attempts),
    costAvoidedNanos: exactNumber('costAvoidedNanos', row.cost_avoided_nanos),
    savedByExactCacheNanos: exactNumber('savedByExactCacheNanos', row.saved_exact_cache_nanos),
    savedBySemanticCacheNanos: exactNumber('savedBySemanticCacheNanos', row.saved_semantic_cache_nanos),
    savedByPromptCacheNanos: exactNumber('savedByPromptCacheNanos', row.saved_prompt_cache_nanos),
  };
}

function toGroup(row: AggregateRow): ReportGroup {
  return { key: row.group_key ?? null, ...toTotals(row) };
}

function toRequest(row: RequestRow): ReportRequest {
  return {
    requestId: row.request_id,
    timestamp: exactNumber('timestamp', row.first_timestamp),
    logicalModel: row.logical_model,
    user: row.user_id,
    feature: row.feature,
    attempts: exactNumber('attempts', row.attempts),
    inputTokens: exactNumber('inputTokens', row.input_tokens),
    outputTokens: exactNumber('outputTokens', row.output_tokens),
    costNanos: exactNumber('costNanos', row.total_cost_nanos),
  };
}

/** A 64-bit SQL integer as a JS number, or a `RangeError` if it would lose precision. */
export function exactNumber(name: string, value: SqlInteger): number {
  // A BigInt beyond ±(2^53 - 1) converts to a number that is not a safe integer.
  const asNumber = Number(value);
  if (!Number.isSafeInteger(asNumber)) {
    throw new RangeError(`report value ${name} (${String(value)}) is beyond 2^53 and cannot be returned exactly`);
  }
  return asNumber;
}

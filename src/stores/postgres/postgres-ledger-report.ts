import type pg from 'pg';
import type { ResolvedReportQuery } from '../ledger-query.js';
import type { LedgerReport, ReportGroup, ReportRequest, ReportTotals } from '../ledger-store.js';
import { ledgerAggregateColumns } from '../sqlite/sqlite-ledger-report.js';
import { timestampWindow, whereClause, windowConditions, type TimestampWindow } from './postgres-timestamp-window.js';
import { withPostgresTransaction } from './with-postgres-transaction.js';

/*
 * The ledger report as SQL aggregates, mirroring `sqlite/sqlite-ledger-report.ts` figure for
 * figure: the aggregate list is SQLite's own (standard SQL), groups order by cost descending then
 * key ascending with NULL first and byte order (`COLLATE "C"` columns, as SQLite's BINARY), days
 * ascending, `top` rows per list. `ledger-report-parity.test.ts` holds the two stores equal.
 *
 * Differences that do not show in the figures: PostgreSQL sums `bigint` into `numeric`, so no
 * sum overflows and `exactNumber` refuses whatever a JS number cannot hold; the day is grouped
 * as an integer day number and named in JS (see `utcDayKey`).
 */

const dayMs = 86_400_000;
/** SQLite's `date(…, 'unixepoch')` is NULL outside julian days [0, 5373484.5): -4713-11-24 to 9999-12-31. */
const firstDayMs = -210_866_760_000_000;
const endDayMs = 253_402_300_800_000;

/** Days since 1970-01-01 UTC (floor division), or NULL where SQLite's `date()` is NULL. */
const dayNumberExpression = `CASE WHEN timestamp >= ${firstDayMs} AND timestamp < ${endDayMs}
  THEN (timestamp - ((timestamp % ${dayMs}) + ${dayMs}) % ${dayMs}) / ${dayMs} END`;

type GroupedBy = 'model' | 'user' | 'feature';

const groupKeyColumns: Record<GroupedBy, string> = { model: 'logical_model', user: 'user_id', feature: 'feature' };

function windowWhere(window: TimestampWindow, parameters: unknown[]): string {
  return whereClause(windowConditions(window, parameters));
}

interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

function totalsStatement(window: TimestampWindow): Statement {
  const values: unknown[] = [];
  return { text: `SELECT ${ledgerAggregateColumns} FROM ledger ${windowWhere(window, values)}`, values };
}

function dayStatement(window: TimestampWindow): Statement {
  const values: unknown[] = [];
  const text = `SELECT ${dayNumberExpression} AS group_key, ${ledgerAggregateColumns}
    FROM ledger ${windowWhere(window, values)} GROUP BY 1`;
  return { text, values };
}

function groupStatement(groupedBy: GroupedBy, window: TimestampWindow, top: number): Statement {
  const values: unknown[] = [];
  const where = windowWhere(window, values);
  const text = `SELECT ${groupKeyColumns[groupedBy]} AS group_key, ${ledgerAggregateColumns}
    FROM ledger ${where} GROUP BY 1
    ORDER BY total_cost_nanos DESC, group_key ASC NULLS FIRST LIMIT $${values.push(top)}`;
  return { text, values };
}

/** Requests summed across their attempts in the window; model and tags from the earliest attempt. */
function topRequestsStatement(window: TimestampWindow, top: number): Statement {
  const values: unknown[] = [];
  const where = windowWhere(window, values);
  const text = `
    WITH windowed AS (
      SELECT request_id, attempt, timestamp, logical_model, user_id, feature, input_tokens, output_tokens, cost_nanos
      FROM ledger ${where}
    ), per_request AS (
      SELECT request_id,
             MIN(timestamp)                  AS first_timestamp,
             MIN(attempt)                    AS first_attempt,
             COUNT(*)                        AS attempts,
             COALESCE(SUM(input_tokens), 0)  AS input_tokens,
             COALESCE(SUM(output_tokens), 0) AS output_tokens,
             COALESCE(SUM(cost_nanos), 0)    AS total_cost_nanos
      FROM windowed GROUP BY request_id
      ORDER BY total_cost_nanos DESC, request_id ASC LIMIT $${values.push(top)}
    )
    SELECT per_request.*, windowed.logical_model, windowed.user_id, windowed.feature
    FROM per_request
    JOIN windowed ON windowed.request_id = per_request.request_id AND windowed.attempt = per_request.first_attempt
    ORDER BY per_request.total_cost_nanos DESC, per_request.request_id ASC`;
  return { text, values };
}

/** `bigint` arrives as a number (the pool's parser), `numeric` sums as decimal text. */
type SqlInteger = number | string;

interface AggregateRow {
  /** A day number (days since 1970-01-01) for days, the key's text for the other groups. */
  readonly group_key?: SqlInteger | null;
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

/** Reads every part of one report from one snapshot (a repeatable-read, read-only transaction). */
export async function readPostgresLedgerReport(pool: pg.Pool, query: ResolvedReportQuery): Promise<LedgerReport> {
  const window = timestampWindow(query);
  return withPostgresTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', async (client) => {
    const rows = async <Row extends pg.QueryResultRow>(statement: Statement): Promise<Row[]> =>
      (await client.query<Row>(statement.text, statement.values)).rows;
    const groups = async (groupedBy: GroupedBy): Promise<ReportGroup[]> =>
      (await rows<AggregateRow>(groupStatement(groupedBy, window, query.top))).map((row) => toGroup(row, (row.group_key ?? null) as string | null));
    const [totalsRow] = await rows<AggregateRow>(totalsStatement(window));
    const dayRows = await rows<AggregateRow>(dayStatement(window));
    return {
      since: query.since,
      until: query.until,
      totals: toTotals(totalsRow as AggregateRow),
      byDay: dayRows.map((row) => toGroup(row, utcDayKey(row.group_key ?? null))).sort((left, right) => compareKeys(left.key, right.key)),
      byModel: await groups('model'),
      byUser: await groups('user'),
      byFeature: await groups('feature'),
      topRequests: (await rows<RequestRow>(topRequestsStatement(window, query.top))).map(toRequest),
    };
  });
}

/**
 * SQLite's `date(…, 'unixepoch')` text for a day number: proleptic Gregorian with a year 0,
 * four digits, a leading `-` before year 0 (`-0001-12-31`); `null` stays `null`.
 */
export function utcDayKey(dayNumber: SqlInteger | null): string | null {
  if (dayNumber === null) return null;
  const date = new Date(Number(dayNumber) * dayMs);
  const year = date.getUTCFullYear();
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${year < 0 ? '-' : ''}${String(Math.abs(year)).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
}

/** Ascending by code unit, `null` first: SQLite's `ORDER BY … ASC` for the ASCII day keys. */
function compareKeys(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
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

function toGroup(row: AggregateRow, key: string | null): ReportGroup {
  return { key, ...toTotals(row) };
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

/** An integer from PostgreSQL (number or `numeric` text) as a JS number, or a `RangeError` if inexact. */
export function exactNumber(name: string, value: SqlInteger): number {
  const asNumber = typeof value === 'number' ? value : /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  // Any integer beyond ±(2^53 - 1) converts to a number that is not a safe integer.
  if (!Number.isSafeInteger(asNumber)) {
    throw new RangeError(`report value ${name} (${String(value)}) is beyond 2^53 and cannot be returned exactly`);
  }
  return asNumber;
}

import type { LedgerEventQuery, LedgerListQuery, ReportQuery } from './ledger-store.js';

/** How many groups and requests a report lists when the query does not say. */
export const defaultReportTop = 10;

/** How many events `listEvents` returns when the query does not say. */
export const defaultLedgerEventLimit = 100;

/** The most events one `listEvents` call returns. */
export const maxLedgerEventLimit = 10_000;

/** A list query with every bound checked and absent ones as `null`. */
export interface ResolvedLedgerListQuery {
  readonly since: number | null;
  readonly until: number | null;
  readonly requestId: string | null;
  readonly limit: number | null;
}

/** An event query with every bound checked, absent filters as `null` and `limit` filled in. */
export interface ResolvedLedgerEventQuery {
  readonly since: number | null;
  readonly until: number | null;
  readonly kind: string | null;
  readonly limit: number;
}

/** A report query with every bound checked, absent bounds as `null` and `top` filled in. */
export interface ResolvedReportQuery {
  readonly since: number | null;
  readonly until: number | null;
  readonly top: number;
}

/** Checks a list query once, so every store applies the same rules. Throws `RangeError` on bad bounds. */
export function resolveLedgerListQuery(query: LedgerListQuery): ResolvedLedgerListQuery {
  return {
    since: optionalFinite('since', query.since),
    until: optionalFinite('until', query.until),
    requestId: query.requestId ?? null,
    limit: query.limit === undefined ? null : countOrThrow('limit', query.limit),
  };
}

/** Checks an event query once, so every store applies the same rules. Throws `RangeError` on bad bounds. */
export function resolveLedgerEventQuery(query: LedgerEventQuery): ResolvedLedgerEventQuery {
  if (query.kind !== undefined && (typeof query.kind !== 'string' || query.kind.length === 0)) {
    throw new RangeError(`kind must be a non-empty string, got ${JSON.stringify(query.kind)}`);
  }
  const limit = query.limit === undefined ? defaultLedgerEventLimit : countOrThrow('limit', query.limit);
  if (limit > maxLedgerEventLimit) throw new RangeError(`limit must be at most ${maxLedgerEventLimit}, got ${limit}`);
  return {
    since: optionalFinite('since', query.since),
    until: optionalFinite('until', query.until),
    kind: query.kind ?? null,
    limit,
  };
}

/** Checks a report query once, so every store applies the same rules. Throws `RangeError` on bad bounds. */
export function resolveReportQuery(query: ReportQuery): ResolvedReportQuery {
  return {
    since: optionalFinite('since', query.since),
    until: optionalFinite('until', query.until),
    top: query.top === undefined ? defaultReportTop : countOrThrow('top', query.top),
  };
}

function optionalFinite(name: string, value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number of milliseconds, got ${value}`);
  return value;
}

function countOrThrow(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

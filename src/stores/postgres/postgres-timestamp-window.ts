/** Integer bounds that select exactly the integer timestamps `t >= since` and `t < until`. */
export interface TimestampWindow {
  readonly since: number | null;
  readonly until: number | null;
}

/**
 * Rounds a (possibly fractional) bound up: for integer `t`, `t >= s` iff `t >= ceil(s)` and
 * `t < u` iff `t < ceil(u)`. Clamped to ±2^53, past every safe-integer timestamp, so the
 * comparison stays `bigint` against `bigint` and can use the index.
 */
export function timestampWindow(query: { readonly since: number | null; readonly until: number | null }): TimestampWindow {
  const bound = (value: number | null): number | null =>
    value === null ? null : Math.min(2 ** 53, Math.max(-(2 ** 53), Math.ceil(value)));
  return { since: bound(query.since), until: bound(query.until) };
}

/** Conditions for the window (only the bounds given), their parameters appended to `parameters`. */
export function windowConditions(window: TimestampWindow, parameters: unknown[]): string[] {
  const conditions: string[] = [];
  if (window.since !== null) conditions.push(`timestamp >= $${parameters.push(window.since)}`);
  if (window.until !== null) conditions.push(`timestamp < $${parameters.push(window.until)}`);
  return conditions;
}

/** `WHERE a AND b`, or nothing for no conditions. */
export function whereClause(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

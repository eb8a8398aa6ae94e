import type { LedgerEntry, LedgerStatus } from '../core/ledger-entry.js';

const knownStatuses = { ok: true, error: true, aborted: true } as const satisfies Record<LedgerStatus, true>;

const tokenFields = [
  'inputTokens',
  'cacheReadTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'outputTokens',
  'reasoningTokens',
] as const satisfies readonly (keyof LedgerEntry)[];

/**
 * Checks the numeric invariants every store relies on (integer nano-dollars and token counts,
 * a 1-based attempt, integer ms timestamps) so a bad row fails the same way in every store,
 * before anything of its batch is written. Throws a `RangeError` naming the row and field.
 */
export function validateLedgerEntry(entry: LedgerEntry): void {
  const where = `ledger entry (${entry.requestId}, ${entry.attempt})`;
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new RangeError(`${where}: ${field} must be ${expected}, got ${String(value)}`);
  };
  if (typeof entry.requestId !== 'string' || entry.requestId.length === 0) fail('requestId', 'a non-empty string', entry.requestId);
  if (!Number.isSafeInteger(entry.attempt) || entry.attempt < 1) fail('attempt', 'an integer >= 1', entry.attempt);
  if (!Number.isSafeInteger(entry.timestamp)) fail('timestamp', 'integer milliseconds', entry.timestamp);
  for (const field of tokenFields) {
    const value = entry[field];
    if (value !== null && (!Number.isSafeInteger(value) || value < 0)) fail(field, 'null or a non-negative integer', value);
  }
  if (entry.costNanos !== null && !Number.isSafeInteger(entry.costNanos)) fail('costNanos', 'null or integer nanos', entry.costNanos);
  if (!Number.isSafeInteger(entry.costAvoidedNanos)) fail('costAvoidedNanos', 'integer nanos', entry.costAvoidedNanos);
  if (!Number.isFinite(entry.latencyMs) || entry.latencyMs < 0) fail('latencyMs', 'a non-negative number', entry.latencyMs);
  if (entry.ttftMs !== null && (!Number.isFinite(entry.ttftMs) || entry.ttftMs < 0)) fail('ttftMs', 'null or a non-negative number', entry.ttftMs);
  if (entry.httpStatus !== null && !Number.isSafeInteger(entry.httpStatus)) fail('httpStatus', 'null or an integer', entry.httpStatus);
  if (entry.cacheSimilarity !== null && !Number.isFinite(entry.cacheSimilarity)) fail('cacheSimilarity', 'null or a finite number', entry.cacheSimilarity);
  if (typeof entry.stream !== 'boolean') fail('stream', 'a boolean', entry.stream);
  if (typeof entry.priceUnknown !== 'boolean') fail('priceUnknown', 'a boolean', entry.priceUnknown);
  if (!Object.hasOwn(knownStatuses, entry.status)) fail('status', `one of ${Object.keys(knownStatuses).join(', ')}`, entry.status);
}


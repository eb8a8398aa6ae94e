import type { LedgerEvent } from '../core/ledger-event.js';

/** NUL, or half of a surrogate pair on its own (a `u` pattern sees a whole pair as one code point). */
const unstorableCharacter = /[\u0000\p{Cs}]/u;

/**
 * Checks what every store relies on, so a bad event fails the same way in every store, before
 * anything of its batch is written: non-empty `id`, `kind` and `subject` without NUL (PostgreSQL
 * text refuses it) or lone surrogates (a UTF-8 database would store them changed); integer ms
 * timestamps; flat `details` of strings, finite numbers, booleans and nulls, so JSON round-trips
 * them exactly. Throws a `RangeError` naming the event and field.
 */
export function validateLedgerEvent(event: LedgerEvent): void {
  const where = `ledger event ${describe((event as Partial<LedgerEvent> | null)?.id)}`;
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new RangeError(`${where}: ${field} must be ${expected}, got ${describe(value)}`);
  };
  if (typeof event !== 'object' || event === null) fail('the event', 'an object', event);
  for (const field of ['id', 'kind', 'subject'] as const) {
    const value: unknown = event[field];
    if (typeof value !== 'string' || value.length === 0 || unstorableCharacter.test(value)) {
      fail(field, 'a non-empty string without NUL characters or lone surrogates', value);
    }
  }
  if (!Number.isSafeInteger(event.timestamp)) fail('timestamp', 'integer milliseconds', event.timestamp);
  const details: unknown = event.details;
  if (!isPlainObject(details)) fail('details', 'a plain object', details);
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    const allowed =
      value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!allowed) fail(`details.${key}`, 'a string, a finite number, a boolean or null', value);
  }
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

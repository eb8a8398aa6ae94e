/**
 * Money is integer nano-dollars (1 USD = 1_000_000_000 nanos). A JavaScript number holds
 * integers exactly up to 2^53, i.e. about $9 million per value, far above any single request;
 * sums over a ledger are computed by the store in 64-bit integers.
 */
export type Nanos = number;

export const NANOS_PER_USD = 1_000_000_000;

/** Formats nanos as a plain decimal USD string with nine places, e.g. `0.000003250`. No float maths. */
export function formatUsd(nanos: Nanos): string {
  if (!Number.isSafeInteger(nanos)) throw new RangeError(`nanos must be a safe integer, got ${nanos}`);
  const negative = nanos < 0;
  const digits = String(Math.abs(nanos)).padStart(10, '0');
  const whole = digits.slice(0, -9);
  const fraction = digits.slice(-9);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Formats nanos for people: `$1.23`, `$0.000325` (trailing zeros trimmed, at least two places). */
export function formatUsdShort(nanos: Nanos): string {
  const exact = formatUsd(nanos);
  const [whole, fraction = ''] = exact.split('.');
  let trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length < 2) trimmed = trimmed.padEnd(2, '0');
  return `$${whole}.${trimmed}`;
}

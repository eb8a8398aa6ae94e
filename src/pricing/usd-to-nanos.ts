/** 1 USD = 10^9 nanos (`NANOS_PER_USD` in core/money). */
const NANO_DIGITS = 9;

/**
 * Converts a USD amount to integer nano-dollars exactly, without floating-point multiplication.
 *
 * `0.067 * 1e9` is `67000000.00000001` in binary floating point. Instead, the number's shortest
 * decimal form (`String(0.067)` is `"0.067"`, the digits the price list was written with) is
 * shifted nine places as text and read as an integer. An amount with more than nine decimal
 * places is rounded half-up at the ninth (a billionth of a dollar per million tokens).
 *
 * Used for prices per million tokens: $2.50/MTok becomes 2_500_000_000 nanos per MTok.
 */
export function usdToNanos(usd: number): number {
  if (!Number.isFinite(usd) || usd < 0) {
    throw new RangeError(`a price must be a finite, non-negative number of USD, got ${usd}`);
  }
  // String(1e-7) is "1e-7" and String(1.5e21) is "1.5e+21": split off the exponent first.
  const [mantissa = '0', exponentText = '0'] = String(usd).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const digits = BigInt(whole + fraction);
  // usd = digits × 10^(exponent − fraction.length), so nanos = digits × 10^(shift).
  const shift = NANO_DIGITS + Number(exponentText) - fraction.length;
  let nanos: bigint;
  if (shift >= 0) {
    nanos = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    nanos = (digits + divisor / 2n) / divisor;
  }
  if (nanos > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`a price of ${usd} USD is too large to hold as integer nano-dollars`);
  }
  return Number(nanos);
}

import { describe, expect, it } from 'vitest';
import { priceFromUsdPerMTok } from './price-from-usd.js';
import { usdToNanos } from './usd-to-nanos.js';

describe('usdToNanos', () => {
  it.each([
    [0.075, 75_000_000],
    [0.15, 150_000_000],
    [1.1, 1_100_000_000],
    [2.5, 2_500_000_000],
    [0.0375, 37_500_000],
    [0.02, 20_000_000],
    [0.01875, 18_750_000],
    [4.4, 4_400_000_000],
    [75, 75_000_000_000],
    [0, 0],
  ])('converts $%d to exactly %d nanos', (usd, nanos) => {
    expect(usdToNanos(usd)).toBe(nanos);
  });

  it('is exact where multiplying by 1e9 is not', () => {
    // 0.067 × 1e9 = 67000000.00000001 and 0.00013 × 1e9 = 129999.99999999999 in floating point.
    expect(0.067 * 1e9).not.toBe(67_000_000);
    expect(Math.trunc(0.00013 * 1e9)).toBe(129_999);
    expect(usdToNanos(0.067)).toBe(67_000_000);
    expect(usdToNanos(0.00013)).toBe(130_000);
  });

  it('reads exponent notation', () => {
    // String(1e-7) is "1e-7": 0.0000001 USD = 100 nanos.
    expect(usdToNanos(1e-7)).toBe(100);
    // String(1.5e-9) is "1.5e-9": 1.5 nanos, rounded half-up to 2.
    expect(usdToNanos(1.5e-9)).toBe(2);
  });

  it('rounds half-up beyond nine decimal places', () => {
    expect(usdToNanos(0.0000000014)).toBe(1);
    expect(usdToNanos(0.0000000015)).toBe(2);
  });

  it('rejects negative, non-finite and too-large amounts', () => {
    expect(() => usdToNanos(-0.01)).toThrow(RangeError);
    expect(() => usdToNanos(Number.NaN)).toThrow(RangeError);
    expect(() => usdToNanos(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    // 1e7 USD = 1e16 nanos > 2^53.
    expect(() => usdToNanos(1e7)).toThrow(/too large/);
  });
});

describe('priceFromUsdPerMTok', () => {
  it('maps every bucket and leaves the unset ones undefined', () => {
    expect(priceFromUsdPerMTok({ input: 2, cacheRead: 1, output: 8 })).toEqual({
      inputNanosPerMTok: 2_000_000_000,
      cacheReadNanosPerMTok: 1_000_000_000,
      cacheWrite5mNanosPerMTok: undefined,
      cacheWrite1hNanosPerMTok: undefined,
      outputNanosPerMTok: 8_000_000_000,
      reasoningNanosPerMTok: undefined,
    });
    expect(priceFromUsdPerMTok({ cacheWrite: 3.75, cacheWrite1h: 6, reasoning: 3 })).toMatchObject({
      cacheWrite5mNanosPerMTok: 3_750_000_000,
      cacheWrite1hNanosPerMTok: 6_000_000_000,
      reasoningNanosPerMTok: 3_000_000_000,
    });
  });
});

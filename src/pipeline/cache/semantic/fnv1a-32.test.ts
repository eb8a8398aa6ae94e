import { describe, expect, it } from 'vitest';
import { fmix32, fnv1a32, fnv1aOffsetBasis, fnv1aStep } from './fnv1a-32.js';

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors (ASCII)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('continues from a state, one code unit at a time', () => {
    expect(fnv1a32('bar', fnv1a32('foo'))).toBe(fnv1a32('foobar'));
    expect(fnv1aStep(fnv1aOffsetBasis, 'a'.charCodeAt(0))).toBe(fnv1a32('a'));
  });
});

describe('fmix32', () => {
  it('is MurmurHash3’s finaliser: 0 stays 0, outputs are unsigned, nearby inputs spread apart', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(fmix32(0xffffffff)).toBeGreaterThanOrEqual(0);
    expect(fmix32(2) & 1023).not.toBe(fmix32(3) & 1023);
  });
});

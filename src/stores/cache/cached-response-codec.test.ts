import { describe, expect, it } from 'vitest';
import type { CachedResponse } from '../response-cache-store.js';
import { decodeCachedResponse, encodeCachedResponse } from './cached-response-codec.js';

const NOW = Date.UTC(2025, 5, 15, 12);

describe('cached response codec', () => {
  it('round-trips body bytes, metadata and expiry exactly', () => {
    const body = Uint8Array.from({ length: 300 }, (_, index) => 255 - (index % 256));
    const entry: CachedResponse = { body, costNanos: 9_007_199_254_740_991, servedBy: 'vertex/gemini-2.0 ✓', storedAt: NOW };
    const decoded = decodeCachedResponse(encodeCachedResponse(entry, NOW + 60_000));
    expect(decoded?.expiresAt).toBe(NOW + 60_000);
    expect(decoded?.entry.costNanos).toBe(9_007_199_254_740_991);
    expect(decoded?.entry.servedBy).toBe('vertex/gemini-2.0 ✓');
    expect(decoded?.entry.storedAt).toBe(NOW);
    expect(decoded?.entry.body.constructor).toBe(Uint8Array);
    expect(Buffer.from(decoded?.entry.body ?? []).equals(Buffer.from(body))).toBe(true);
  });

  it('tells an unknown cost from a zero one', () => {
    const base = { body: new Uint8Array(), servedBy: 's', storedAt: NOW };
    expect(decodeCachedResponse(encodeCachedResponse({ ...base, costNanos: null }, NOW))?.entry.costNanos).toBeNull();
    expect(decodeCachedResponse(encodeCachedResponse({ ...base, costNanos: 0 }, NOW))?.entry.costNanos).toBe(0);
  });

  it('decodes a view into a larger buffer', () => {
    const encoded = encodeCachedResponse({ body: Buffer.from('{"ok":true}'), costNanos: 5, servedBy: 'p/m', storedAt: NOW }, NOW + 1);
    const padded = new Uint8Array(encoded.byteLength + 20);
    padded.set(encoded, 10);
    const decoded = decodeCachedResponse(padded.subarray(10, 10 + encoded.byteLength));
    expect(Buffer.from(decoded?.entry.body ?? []).toString()).toBe('{"ok":true}');
    expect(decoded?.entry.servedBy).toBe('p/m');
  });

  it('reads another format, a truncated value or foreign bytes as nothing', () => {
    const encoded = encodeCachedResponse({ body: Buffer.from('{}'), costNanos: null, servedBy: 'p/m', storedAt: NOW }, NOW);
    const otherVersion = Buffer.from(encoded);
    otherVersion[0] = 2;
    expect(decodeCachedResponse(otherVersion)).toBeUndefined();
    expect(decodeCachedResponse(encoded.subarray(0, 29))).toBeUndefined();
    const overlong = Buffer.from(encoded);
    overlong.writeUInt32BE(1_000, 26);
    expect(decodeCachedResponse(overlong)).toBeUndefined();
    expect(decodeCachedResponse(Buffer.from('{"choices":[]}'))).toBeUndefined();
  });
});

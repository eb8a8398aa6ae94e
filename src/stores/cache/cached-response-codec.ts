import type { CachedResponse } from '../response-cache-store.js';

/**
 * One cached response as one binary value, for stores that keep bytes (Redis):
 *
 * | offset | size | field                                          |
 * |-------:|-----:|------------------------------------------------|
 * |      0 |    1 | format version, 1                              |
 * |      1 |    1 | flags: bit 0 set when `costNanos` is known     |
 * |      2 |    8 | `storedAt`, float64 big-endian                 |
 * |     10 |    8 | `expiresAt` (caller's clock), float64          |
 * |     18 |    8 | `costNanos` (0 when unknown), float64          |
 * |     26 |    4 | length of `servedBy` in UTF-8, uint32          |
 * |     30 |    n | `servedBy`, UTF-8                              |
 * | 30 + n |  ... | `body`, verbatim                               |
 *
 * Every number the cache holds is a safe integer or a wall-clock ms, so float64 keeps it exact.
 * The body is copied once, verbatim, and decoded as a view: no base64, no JSON escaping.
 */
const FORMAT_VERSION = 1;
const COST_KNOWN = 0b1;
const HEADER_BYTES = 30;

export interface DecodedCachedResponse {
  readonly entry: CachedResponse;
  readonly expiresAt: number;
}

export function encodeCachedResponse(entry: CachedResponse, expiresAt: number): Buffer {
  const servedByLength = Buffer.byteLength(entry.servedBy, 'utf8');
  const encoded = Buffer.allocUnsafe(HEADER_BYTES + servedByLength + entry.body.byteLength);
  encoded.writeUInt8(FORMAT_VERSION, 0);
  encoded.writeUInt8(entry.costNanos === null ? 0 : COST_KNOWN, 1);
  encoded.writeDoubleBE(entry.storedAt, 2);
  encoded.writeDoubleBE(expiresAt, 10);
  encoded.writeDoubleBE(entry.costNanos ?? 0, 18);
  encoded.writeUInt32BE(servedByLength, 26);
  encoded.write(entry.servedBy, HEADER_BYTES, servedByLength, 'utf8');
  encoded.set(entry.body, HEADER_BYTES + servedByLength);
  return encoded;
}

/**
 * The entry in `encoded`, or undefined when it is not a value this codec wrote (another format
 * version, a truncated or foreign value): a cache reads that as a miss. The body is a plain
 * `Uint8Array` view into `encoded`.
 */
export function decodeCachedResponse(encoded: Uint8Array): DecodedCachedResponse | undefined {
  if (encoded.byteLength < HEADER_BYTES) return undefined;
  const view = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  if (view.readUInt8(0) !== FORMAT_VERSION) return undefined;
  const flags = view.readUInt8(1);
  const servedByLength = view.readUInt32BE(26);
  const bodyOffset = HEADER_BYTES + servedByLength;
  if (bodyOffset > view.byteLength) return undefined;
  const entry: CachedResponse = Object.freeze({
    body: new Uint8Array(view.buffer, view.byteOffset + bodyOffset, view.byteLength - bodyOffset),
    costNanos: (flags & COST_KNOWN) === 0 ? null : view.readDoubleBE(18),
    servedBy: view.toString('utf8', HEADER_BYTES, bodyOffset),
    storedAt: view.readDoubleBE(2),
  });
  return { entry, expiresAt: view.readDoubleBE(10) };
}

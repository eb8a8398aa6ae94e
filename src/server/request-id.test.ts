import { describe, expect, it } from 'vitest';
import { createRequestId } from './request-id.js';

describe('createRequestId', () => {
  it('is a version-7 UUID whose first 48 bits are the time', () => {
    const id = createRequestId(Date.parse('2026-11-22T12:00:00.123Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(Date.parse('2026-11-22T12:00:00.123Z'));
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 1000 }, (_, index) => createRequestId(1_700_000_000_000 + index));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });
});

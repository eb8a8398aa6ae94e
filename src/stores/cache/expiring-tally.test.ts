import { describe, expect, it } from 'vitest';
import { createExpiringTally } from './expiring-tally.js';

const NOW = Date.UTC(2025, 5, 15, 12);

describe('expiring tally', () => {
  it('counts items until their expiry, within a small fraction of their lifetime', () => {
    const tally = createExpiringTally();
    tally.add(10, NOW + 5_000, NOW);
    tally.add(20, NOW + 3_600_000, NOW);
    expect(tally.totals(NOW + 4_999)).toEqual({ entries: 2, bytes: 30 });
    expect(tally.totals(NOW + 5_000 + 1_024)).toEqual({ entries: 1, bytes: 20 });
    expect(tally.totals(NOW + 3_599_999)).toEqual({ entries: 1, bytes: 20 });
    expect(tally.totals(NOW + 3_600_000 + 3_600_000 / 16)).toEqual({ entries: 0, bytes: 0 });
  });

  it('ignores an item already expired', () => {
    const tally = createExpiringTally();
    tally.add(10, NOW, NOW);
    expect(tally.totals(NOW)).toEqual({ entries: 0, bytes: 0 });
  });

  it('never under-counts, over-counts only items within their grace, and stays bounded', () => {
    const tally = createExpiringTally();
    const items: { expiresAt: number; lifetime: number }[] = [];
    let mostBuckets = 0;
    for (let index = 0; index < 100_000; index += 1) {
      const now = NOW + index * 37;
      const lifetime = 1 + ((index * 7_919 * 7_919) % 86_400_000);
      tally.add(1, now + lifetime, now);
      items.push({ expiresAt: now + lifetime, lifetime });
      mostBuckets = Math.max(mostBuckets, tally.bucketCount());
    }
    for (const at of [NOW + 3_700_000, NOW + 10_000_000, NOW + 50_000_000]) {
      const live = items.filter((item) => item.expiresAt > at).length;
      const withinGrace = items.filter((item) => item.expiresAt + Math.max(1_024, item.lifetime / 16) > at).length;
      const { entries, bytes } = tally.totals(at);
      expect(entries).toBe(bytes);
      expect(entries).toBeGreaterThanOrEqual(live);
      expect(entries).toBeLessThanOrEqual(withinGrace);
    }
    expect(mostBuckets).toBeLessThanOrEqual(1_400);
    expect(tally.totals(NOW + 200_000_000)).toEqual({ entries: 0, bytes: 0 });
    expect(tally.bucketCount()).toBe(0);
  });
});

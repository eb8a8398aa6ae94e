import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../core/ledger-entry.js';
import { makeLedgerEntry } from './ledger-entry-fixture.js';
import type { LedgerStore, ReportGroup, ReportTotals } from './ledger-store.js';

const day1 = Date.UTC(2025, 2, 1);
const day2 = Date.UTC(2025, 2, 2);
const hour = 3_600_000;

function row(overrides: Partial<LedgerEntry>): LedgerEntry {
  const priced = overrides.costNanos !== undefined && overrides.costNanos !== null;
  return makeLedgerEntry({ priceUnknown: !priced, priceSource: priced ? 'genai-prices' : null, ...overrides });
}

/**
 * Six attempts of five requests over two UTC days. Every expected number below was summed by
 * hand from this table. No row is a cache hit, so all cost avoided is provider prompt caching.
 */
const dataset: readonly LedgerEntry[] = [
  row({ requestId: 'req-1', timestamp: day1 + hour, logicalModel: 'smart', user: 'alice', feature: 'chat', inputTokens: 100, cacheReadTokens: 10, cacheWrite5mTokens: 5, outputTokens: 50, costNanos: 1_000 }),
  row({ requestId: 'req-2', attempt: 1, timestamp: day1 + 2 * hour, logicalModel: 'smart', user: 'bob', inputTokens: 200, cacheWrite1hTokens: 7, outputTokens: 20, reasoningTokens: 30, costNanos: 3_000, costAvoidedNanos: 500, status: 'error' }),
  row({ requestId: 'req-2', attempt: 2, timestamp: day1 + 2 * hour + 1_000, logicalModel: 'smart', user: 'bob', inputTokens: 200, outputTokens: 80, costNanos: 4_000 }),
  row({ requestId: 'req-3', timestamp: day2 - 1, logicalModel: 'cheap', user: 'alice', feature: 'search', status: 'aborted' }),
  row({ requestId: 'req-4', timestamp: day2, logicalModel: 'cheap', feature: 'chat', inputTokens: 50, outputTokens: 5, costNanos: 2_000, costAvoidedNanos: 250, cacheStatus: 'miss' }),
  row({ requestId: 'req-5', timestamp: day2 + 5 * hour, logicalModel: 'tiny', user: 'carol', feature: 'chat', inputTokens: 10, outputTokens: 1, costNanos: 2_000 }),
];

const zero: ReportTotals = {
  requests: 0,
  attempts: 0,
  errors: 0,
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costNanos: 0,
  unpricedAttempts: 0,
  costAvoidedNanos: 0,
  savedByExactCacheNanos: 0,
  savedBySemanticCacheNanos: 0,
  savedByPromptCacheNanos: 0,
};

const totals = (values: Partial<ReportTotals>): ReportTotals => ({ ...zero, ...values });
const group = (key: string | null, values: Partial<ReportTotals>): ReportGroup => ({ key, ...totals(values) });
const keys = (groups: readonly ReportGroup[]): (string | null)[] => groups.map((entry) => entry.key);

/** The report half of the `LedgerStore` contract; `currentStore` yields the store of the running test. */
export function describeLedgerReportContract(currentStore: () => LedgerStore): void {
  describe('report', () => {
    it('gives zero totals and empty lists for an empty store', async () => {
      expect(await currentStore().report({})).toEqual({
        since: null,
        until: null,
        totals: zero,
        byDay: [],
        byModel: [],
        byUser: [],
        byFeature: [],
        topRequests: [],
      });
    });

    describe('over the hand-summed dataset', () => {
      let store: LedgerStore;
      beforeEach(async () => {
        store = currentStore();
        await store.append([...dataset].reverse());
      });

      it('sums totals, ignoring unknown tokens and unknown costs', async () => {
        expect((await store.report({})).totals).toEqual(
          totals({ requests: 5, attempts: 6, errors: 2, inputTokens: 560, cacheReadTokens: 10, cacheWriteTokens: 12, outputTokens: 156, reasoningTokens: 30, costNanos: 12_000, unpricedAttempts: 1, costAvoidedNanos: 750, savedByPromptCacheNanos: 750 }),
        );
      });

      it('groups by UTC day in ascending order, splitting at midnight', async () => {
        expect((await store.report({})).byDay).toEqual([
          group('2025-03-01', { requests: 3, attempts: 4, errors: 2, inputTokens: 500, cacheReadTokens: 10, cacheWriteTokens: 12, outputTokens: 150, reasoningTokens: 30, costNanos: 8_000, unpricedAttempts: 1, costAvoidedNanos: 500, savedByPromptCacheNanos: 500 }),
          group('2025-03-02', { requests: 2, attempts: 2, inputTokens: 60, outputTokens: 6, costNanos: 4_000, costAvoidedNanos: 250, savedByPromptCacheNanos: 250 }),
        ]);
      });

      it('groups by logical model, by cost descending then key ascending', async () => {
        expect((await store.report({})).byModel).toEqual([
          group('smart', { requests: 2, attempts: 3, errors: 1, inputTokens: 500, cacheReadTokens: 10, cacheWriteTokens: 12, outputTokens: 150, reasoningTokens: 30, costNanos: 8_000, costAvoidedNanos: 500, savedByPromptCacheNanos: 500 }),
          group('cheap', { requests: 2, attempts: 2, errors: 1, inputTokens: 50, outputTokens: 5, costNanos: 2_000, unpricedAttempts: 1, costAvoidedNanos: 250, savedByPromptCacheNanos: 250 }),
          group('tiny', { requests: 1, attempts: 1, inputTokens: 10, outputTokens: 1, costNanos: 2_000 }),
        ]);
      });

      it('groups by user with untagged rows under a null key that sorts first among equal costs', async () => {
        const report = await store.report({});
        expect(keys(report.byUser)).toEqual(['bob', null, 'carol', 'alice']);
        expect(report.byUser[0]).toEqual(group('bob', { requests: 1, attempts: 2, errors: 1, inputTokens: 400, cacheWriteTokens: 7, outputTokens: 100, reasoningTokens: 30, costNanos: 7_000, costAvoidedNanos: 500, savedByPromptCacheNanos: 500 }));
        expect(report.byUser[3]).toEqual(group('alice', { requests: 2, attempts: 2, errors: 1, inputTokens: 100, cacheReadTokens: 10, cacheWriteTokens: 5, outputTokens: 50, costNanos: 1_000, unpricedAttempts: 1 }));
      });

      it('groups by feature with a null key for untagged rows', async () => {
        expect((await store.report({})).byFeature).toEqual([
          group(null, { requests: 1, attempts: 2, errors: 1, inputTokens: 400, cacheWriteTokens: 7, outputTokens: 100, reasoningTokens: 30, costNanos: 7_000, costAvoidedNanos: 500, savedByPromptCacheNanos: 500 }),
          group('chat', { requests: 3, attempts: 3, inputTokens: 160, cacheReadTokens: 10, cacheWriteTokens: 5, outputTokens: 56, costNanos: 5_000, costAvoidedNanos: 250, savedByPromptCacheNanos: 250 }),
          group('search', { requests: 1, attempts: 1, errors: 1, unpricedAttempts: 1 }),
        ]);
      });

      it('sums each request across its attempts for topRequests, by cost then request id', async () => {
        const report = await store.report({});
        expect(report.topRequests.map((request) => request.requestId)).toEqual(['req-2', 'req-4', 'req-5', 'req-1', 'req-3']);
        expect(report.topRequests[0]).toEqual({
          requestId: 'req-2',
          timestamp: day1 + 2 * hour,
          logicalModel: 'smart',
          user: 'bob',
          feature: null,
          attempts: 2,
          inputTokens: 400,
          outputTokens: 100,
          costNanos: 7_000,
        });
        expect(report.topRequests[4]).toEqual({ requestId: 'req-3', timestamp: day2 - 1, logicalModel: 'cheap', user: 'alice', feature: 'search', attempts: 1, inputTokens: 0, outputTokens: 0, costNanos: 0 });
      });

      it('limits byModel, byUser, byFeature and topRequests to top, but not byDay', async () => {
        const report = await store.report({ top: 2 });
        expect(keys(report.byModel)).toEqual(['smart', 'cheap']);
        expect(keys(report.byUser)).toEqual(['bob', null]);
        expect(keys(report.byFeature)).toEqual([null, 'chat']);
        expect(report.topRequests.map((request) => request.requestId)).toEqual(['req-2', 'req-4']);
        expect(keys(report.byDay)).toEqual(['2025-03-01', '2025-03-02']);
        expect((await store.report({ top: 0 })).byModel).toEqual([]);
        await expect(store.report({ top: -1 })).rejects.toThrow(RangeError);
      });

      it('lists ten groups when top is not given', async () => {
        await store.append(Array.from({ length: 12 }, (_, index) => row({ requestId: `many-${index}`, user: `user-${String(index).padStart(2, '0')}` })));
        const report = await store.report({});
        expect(report.byUser).toHaveLength(10);
        expect(report.topRequests).toHaveLength(10);
      });

      it('applies since (inclusive) and until (exclusive) to every part of the report', async () => {
        const secondDay = await store.report({ since: day2 });
        expect(secondDay.since).toBe(day2);
        expect(secondDay.until).toBeNull();
        expect(secondDay.totals).toEqual(totals({ requests: 2, attempts: 2, inputTokens: 60, outputTokens: 6, costNanos: 4_000, costAvoidedNanos: 250, savedByPromptCacheNanos: 250 }));
        expect(keys(secondDay.byDay)).toEqual(['2025-03-02']);
        expect(keys(secondDay.byModel)).toEqual(['cheap', 'tiny']);
        expect(secondDay.topRequests.map((request) => request.requestId)).toEqual(['req-4', 'req-5']);

        const firstDay = await store.report({ until: day2 });
        expect(firstDay.until).toBe(day2);
        expect(firstDay.totals.attempts).toBe(4);
        expect(keys(firstDay.byFeature)).toEqual([null, 'chat', 'search']);
      });

      it('counts only the attempts inside the window for a request that straddles it', async () => {
        const report = await store.report({ since: day1 + 2 * hour + 1, until: day2 - 1 });
        expect(report.totals).toEqual(totals({ requests: 1, attempts: 1, inputTokens: 200, outputTokens: 80, costNanos: 4_000 }));
        expect(report.topRequests).toEqual([
          { requestId: 'req-2', timestamp: day1 + 2 * hour + 1_000, logicalModel: 'smart', user: 'bob', feature: null, attempts: 1, inputTokens: 200, outputTokens: 80, costNanos: 4_000 },
        ]);
      });
    });

    it('attributes a request to its first attempt even when a fallback changed the model', async () => {
      const store = currentStore();
      await store.append([
        row({ requestId: 'req-fallback', attempt: 2, timestamp: 2_000, logicalModel: 'cheap', user: 'bob', costNanos: 5 }),
        row({ requestId: 'req-fallback', attempt: 1, timestamp: 1_000, logicalModel: 'smart', user: 'alice', feature: 'chat', costNanos: 7, status: 'error' }),
      ]);
      expect((await store.report({})).topRequests).toEqual([
        { requestId: 'req-fallback', timestamp: 1_000, logicalModel: 'smart', user: 'alice', feature: 'chat', attempts: 2, inputTokens: 0, outputTokens: 0, costNanos: 12 },
      ]);
    });

    it('splits cost avoided into exact-cache, semantic-cache and prompt-cache savings', async () => {
      const store = currentStore();
      await store.append([
        row({ requestId: 'exact-1', logicalModel: 'smart', cacheStatus: 'hit', costNanos: 0, costAvoidedNanos: 4_000 }),
        row({ requestId: 'exact-2', logicalModel: 'cheap', cacheStatus: 'hit', costNanos: 0, costAvoidedNanos: 1_500 }),
        row({ requestId: 'semantic-1', logicalModel: 'smart', cacheStatus: 'semantic-hit', cacheSimilarity: 0.97, costNanos: 0, costAvoidedNanos: 2_500 }),
        row({ requestId: 'prompt-miss', logicalModel: 'smart', cacheStatus: 'miss', cacheReadTokens: 800, costNanos: 3_000, costAvoidedNanos: 700 }),
        row({ requestId: 'prompt-bypass', logicalModel: 'cheap', cacheStatus: 'bypass', cacheReadTokens: 200, costNanos: 1_000, costAvoidedNanos: 200 }),
        row({ requestId: 'prompt-no-cache-stage', logicalModel: 'cheap', cacheStatus: null, cacheReadTokens: 100, costNanos: 500, costAvoidedNanos: 100 }),
        row({ requestId: 'nothing-saved', logicalModel: 'cheap', cacheStatus: 'miss', costNanos: 900 }),
      ]);
      const report = await store.report({});
      expect(report.totals).toMatchObject({
        costNanos: 5_400,
        costAvoidedNanos: 9_000,
        savedByExactCacheNanos: 5_500,
        savedBySemanticCacheNanos: 2_500,
        savedByPromptCacheNanos: 1_000,
      });
      expect(report.byModel).toEqual([
        expect.objectContaining({ key: 'smart', costAvoidedNanos: 7_200, savedByExactCacheNanos: 4_000, savedBySemanticCacheNanos: 2_500, savedByPromptCacheNanos: 700 }),
        expect.objectContaining({ key: 'cheap', costAvoidedNanos: 1_800, savedByExactCacheNanos: 1_500, savedBySemanticCacheNanos: 0, savedByPromptCacheNanos: 300 }),
      ]);
      for (const part of [report.totals, ...report.byDay, ...report.byModel, ...report.byUser, ...report.byFeature]) {
        expect(part.savedByExactCacheNanos + part.savedBySemanticCacheNanos + part.savedByPromptCacheNanos).toBe(part.costAvoidedNanos);
      }
    });

    it('sums large nano values exactly and refuses sums beyond 2^53', async () => {
      const store = currentStore();
      const large = (requestId: string, costNanos: number, cacheStatus: string | null): LedgerEntry => row({ requestId, costNanos, costAvoidedNanos: costNanos, cacheStatus });
      await store.append([large('big-1', 300_000_000_000_001, 'hit'), large('big-2', 300_000_000_000_001, 'semantic-hit'), large('big-3', 300_000_000_000_001, null)]);
      const report = await store.report({});
      expect(report.totals.costNanos).toBe(900_000_000_000_003);
      expect(report.totals.costAvoidedNanos).toBe(900_000_000_000_003);
      expect(report.totals).toMatchObject({ savedByExactCacheNanos: 300_000_000_000_001, savedBySemanticCacheNanos: 300_000_000_000_001, savedByPromptCacheNanos: 300_000_000_000_001 });
      expect(report.topRequests[0]?.costNanos).toBe(300_000_000_000_001);

      await store.append(Array.from({ length: 10 }, (_, index) => large(`huge-${index}`, 1_000_000_000_000_000, null)));
      await expect(store.report({})).rejects.toThrow(RangeError);
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../core/ledger-entry.js';
import { makeLedgerEntry } from './ledger-entry-fixture.js';
import { describeLedgerEventsContract } from './ledger-store-events.contract.js';
import { describeLedgerReportContract } from './ledger-store-report.contract.js';
import type { LedgerStore } from './ledger-store.js';

/** What a contract run needs: a fresh, empty store and a way to throw it away. */
export interface LedgerStoreUnderTest {
  readonly store: LedgerStore;
  cleanup(): Promise<void>;
}

export type MakeLedgerStore = () => Promise<LedgerStoreUnderTest>;

/**
 * The one contract every `LedgerStore` implementation passes. Call it from the
 * implementation's own `*.test.ts`; `makeStore` must return an empty store each time.
 */
export function describeLedgerStoreContract(name: string, makeStore: MakeLedgerStore): void {
  describe(`LedgerStore contract: ${name}`, () => {
    let underTest: LedgerStoreUnderTest;
    let store: LedgerStore;

    beforeEach(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });

    afterEach(async () => {
      await underTest.cleanup();
    });

    describe('append and list', () => {
      it('round-trips every field, keeping nulls, booleans, fractions and large integers exact', async () => {
        const full = makeLedgerEntry({
          requestId: 'request-full',
          attempt: 3,
          timestamp: 1_740_830_400_123,
          virtualKeyId: 'key-1',
          org: 'acme',
          team: 'search',
          user: 'alice@example.com',
          feature: 'summarise',
          endpoint: '/v1/messages',
          logicalModel: 'smart',
          providerId: 'anthropic',
          upstreamModel: 'claude-sonnet-4-5',
          stream: true,
          inputTokens: 123_456_789,
          cacheReadTokens: 0,
          cacheWrite5mTokens: 7,
          cacheWrite1hTokens: 11,
          outputTokens: 4_096,
          reasoningTokens: 2_048,
          providerUsage: '{"input_tokens":123456789,"note":"naïve ☃"}',
          costNanos: 999_999_999_999_999,
          priceUnknown: false,
          priceSource: 'genai-prices',
          costAvoidedNanos: 1_000_000_000_000_001,
          latencyMs: 1234.5,
          ttftMs: 87.25,
          status: 'error',
          httpStatus: 529,
          errorCode: 'TG_ERR_UPSTREAM_OVERLOADED',
          cacheStatus: 'semantic-hit',
          cacheSimilarity: 0.9375,
          route: 'fallback-1',
          routeReason: 'primary overloaded',
          warnings: 'temperature ignored; top_k ignored',
        });
        const empty = makeLedgerEntry({ requestId: 'request-empty', timestamp: 1_740_830_400_000, costAvoidedNanos: -5 });

        await store.append([full, empty]);

        expect(await store.list({})).toEqual([empty, full]);
      });

      it('stores a row appended twice once, keeping the first, without an error', async () => {
        const first = makeLedgerEntry({ requestId: 'request-a', costNanos: 100, priceUnknown: false });
        await store.append([first]);
        await expect(store.append([{ ...first, costNanos: 999 }])).resolves.toBeUndefined();

        expect(await store.list({})).toEqual([first]);
      });

      it('accepts a batch that contains the same key twice, keeping the first', async () => {
        const first = makeLedgerEntry({ requestId: 'request-a', outputTokens: 1 });
        const other = makeLedgerEntry({ requestId: 'request-b' });

        await store.append([first, other, { ...first, outputTokens: 2 }]);

        expect(await store.list({})).toEqual([first, other]);
      });

      it('keeps different attempts of one request as separate rows', async () => {
        const attempts = [1, 2, 3].map((attempt) => makeLedgerEntry({ requestId: 'request-a', attempt, status: attempt < 3 ? 'error' : 'ok' }));

        await store.append(attempts);

        expect(await store.list({ requestId: 'request-a' })).toEqual(attempts);
      });

      it('accepts an empty batch', async () => {
        await store.append([]);
        expect(await store.list({})).toEqual([]);
      });

      it('rejects a batch with an invalid row and stores none of it', async () => {
        const good = makeLedgerEntry({ requestId: 'request-good' });
        const fractionalCost = makeLedgerEntry({ requestId: 'request-bad', costNanos: 1.5, priceUnknown: false });

        await expect(store.append([good, fractionalCost])).rejects.toThrow(RangeError);
        await expect(store.append([makeLedgerEntry({ attempt: 0 })])).rejects.toThrow(RangeError);

        expect(await store.list({})).toEqual([]);
      });
    });

    describe('list filters', () => {
      const at = (requestId: string, timestamp: number, attempt = 1): LedgerEntry => makeLedgerEntry({ requestId, timestamp, attempt });
      const rows = [at('b', 2_000), at('a', 2_000, 2), at('c', 1_000), at('a', 2_000), at('d', 3_000), at('e', 4_000)];
      const ids = (entries: readonly LedgerEntry[]): string[] => entries.map((entry) => `${entry.requestId}#${entry.attempt}`);

      beforeEach(async () => {
        await store.append(rows);
      });

      it('orders rows by timestamp, then request id, then attempt', async () => {
        expect(ids(await store.list({}))).toEqual(['c#1', 'a#1', 'a#2', 'b#1', 'd#1', 'e#1']);
      });

      it('treats since as inclusive and until as exclusive', async () => {
        expect(ids(await store.list({ since: 2_000 }))).toEqual(['a#1', 'a#2', 'b#1', 'd#1', 'e#1']);
        expect(ids(await store.list({ until: 3_000 }))).toEqual(['c#1', 'a#1', 'a#2', 'b#1']);
        expect(ids(await store.list({ since: 2_000, until: 4_000 }))).toEqual(['a#1', 'a#2', 'b#1', 'd#1']);
        expect(await store.list({ since: 4_001 })).toEqual([]);
      });

      it('filters by request id', async () => {
        expect(ids(await store.list({ requestId: 'a' }))).toEqual(['a#1', 'a#2']);
        expect(await store.list({ requestId: 'missing' })).toEqual([]);
      });

      it('applies limit after ordering and filtering', async () => {
        expect(ids(await store.list({ limit: 2 }))).toEqual(['c#1', 'a#1']);
        expect(ids(await store.list({ since: 2_500, limit: 1 }))).toEqual(['d#1']);
        expect(await store.list({ limit: 0 })).toEqual([]);
      });

      it('rejects a negative or fractional limit', async () => {
        await expect(store.list({ limit: -1 })).rejects.toThrow(RangeError);
        await expect(store.list({ limit: 1.5 })).rejects.toThrow(RangeError);
      });
    });

    describe('concurrency', () => {
      it('keeps every row of 20 parallel appends of 100 rows', async () => {
        const batches = Array.from({ length: 20 }, (_, batch) =>
          Array.from({ length: 100 }, (_, index) => makeLedgerEntry({ requestId: `request-${batch}-${index}`, timestamp: index, costNanos: 1, priceUnknown: false })),
        );

        await Promise.all(batches.map((batch) => store.append(batch)));

        const listed = await store.list({});
        expect(listed).toHaveLength(2_000);
        expect(new Set(listed.map((entry) => entry.requestId)).size).toBe(2_000);
        expect((await store.report({})).totals.costNanos).toBe(2_000);
      });

      it('stores each row once when parallel appends repeat the same rows', async () => {
        const batch = Array.from({ length: 100 }, (_, index) => makeLedgerEntry({ requestId: `request-${index}` }));

        await Promise.all(Array.from({ length: 20 }, () => store.append(batch)));

        expect(await store.list({})).toHaveLength(100);
      });
    });

    describe('close', () => {
      it('can be called twice and refuses use afterwards', async () => {
        await store.close();
        await store.close();
        await expect(store.append([makeLedgerEntry()])).rejects.toThrow();
        await expect(store.list({})).rejects.toThrow();
        await expect(store.report({})).rejects.toThrow();
        await expect(store.appendEvents([])).rejects.toThrow();
        await expect(store.listEvents({})).rejects.toThrow();
      });
    });

    describeLedgerReportContract(() => store);
    describeLedgerEventsContract(() => store);
  });
}

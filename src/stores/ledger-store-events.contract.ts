import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../core/ledger-event.js';
import { makeLedgerEntry } from './ledger-entry-fixture.js';
import type { LedgerStore } from './ledger-store.js';

/** A complete, valid ledger event for tests; override only what the test is about. */
function makeLedgerEvent(overrides: Partial<LedgerEvent> = {}): LedgerEvent {
  return {
    id: 'budget.threshold:team-search:2025-03:80',
    timestamp: Date.UTC(2025, 2, 1, 12, 0, 0),
    kind: 'budget.threshold',
    subject: 'team-search',
    details: { thresholdPercent: 80 },
    ...overrides,
  };
}

const ids = (events: readonly LedgerEvent[]): string[] => events.map((event) => event.id);

/**
 * The events half of the `LedgerStore` contract (`appendEvents`, `listEvents`), run by
 * `describeLedgerStoreContract` against every store. `getStore` returns the current test's store.
 */
export function describeLedgerEventsContract(getStore: () => LedgerStore): void {
  describe('events', () => {
    let store: LedgerStore;

    beforeEach(() => {
      store = getStore();
    });

    describe('appendEvents and listEvents', () => {
      it('round-trips every field, keeping detail types, fractions, large integers and text exact', async () => {
        const alert = makeLedgerEvent({
          id: 'budget.threshold:org-acme:2025-03-01:100',
          timestamp: 1_740_830_400_123,
          subject: 'org-acme',
          details: {
            budgetId: 'org-acme',
            window: '2025-03-01',
            thresholdPercent: 100,
            spentNanos: 9_007_199_254_740_991,
            limitNanos: -5,
            ratio: 1.0625,
            tiny: 1e-7,
            refused: true,
            notified: false,
            webhook: null,
            note: 'naïve ☃ 😀 "quoted" \\ \u0000',
          },
        });
        const quiet = makeLedgerEvent({ id: 'a-quiet-one', timestamp: 1_740_830_400_000, kind: 'store.note', subject: 's', details: {} });

        await store.appendEvents([alert, quiet]);

        expect(await store.listEvents({})).toEqual([quiet, alert]);
      });

      it('stores an id appended twice once, keeping the first, without an error', async () => {
        const first = makeLedgerEvent({ details: { thresholdPercent: 80, spentNanos: 800 } });
        await store.appendEvents([first]);
        await expect(
          store.appendEvents([{ ...first, timestamp: first.timestamp + 1, subject: 'other', details: { thresholdPercent: 80, spentNanos: 999 } }]),
        ).resolves.toBeUndefined();

        expect(await store.listEvents({})).toEqual([first]);
      });

      it('accepts a batch that contains the same id twice, keeping the first', async () => {
        const first = makeLedgerEvent({ id: 'alert-a', details: { copy: 1 } });
        const other = makeLedgerEvent({ id: 'alert-b' });

        await store.appendEvents([first, other, { ...first, details: { copy: 2 } }]);

        expect(await store.listEvents({})).toEqual([first, other]);
      });

      it('stores the same alert once when three replicas record it at the same time', async () => {
        const alert = makeLedgerEvent();

        await Promise.all([1, 2, 3].map((replica) => store.appendEvents([{ ...alert, details: { replica } }])));

        const listed = await store.listEvents({});
        expect(listed).toHaveLength(1);
        expect(listed[0]).toMatchObject({ id: alert.id, kind: alert.kind, subject: alert.subject });
      });

      it('accepts an empty batch', async () => {
        await store.appendEvents([]);
        expect(await store.listEvents({})).toEqual([]);
      });

      it('keeps events out of the rows and the report, and rows out of the events', async () => {
        await store.appendEvents([makeLedgerEvent()]);
        await store.append([makeLedgerEntry({ costNanos: 7, priceUnknown: false })]);

        expect(await store.list({})).toHaveLength(1);
        expect((await store.report({})).totals).toMatchObject({ attempts: 1, costNanos: 7 });
        expect(await store.listEvents({})).toEqual([makeLedgerEvent()]);
      });

      it('is not changed by changing what was appended or listed', async () => {
        const details: Record<string, number> = { thresholdPercent: 80 };
        await store.appendEvents([makeLedgerEvent({ details })]);
        details['thresholdPercent'] = 1;
        const [listed] = await store.listEvents({});
        (listed?.details as Record<string, number>)['thresholdPercent'] = 2;

        expect(await store.listEvents({})).toEqual([makeLedgerEvent({ details: { thresholdPercent: 80 } })]);
      });
    });

    describe('validation', () => {
      const invalid: readonly (readonly [string, LedgerEvent])[] = [
        ['an empty id', makeLedgerEvent({ id: '' })],
        ['an id with NUL', makeLedgerEvent({ id: 'alert\u0000' })],
        ['an id with a lone surrogate', makeLedgerEvent({ id: 'alert-\uD83D' })],
        ['an empty kind', makeLedgerEvent({ kind: '' })],
        ['an empty subject', makeLedgerEvent({ subject: '' })],
        ['a fractional timestamp', makeLedgerEvent({ timestamp: 1.5 })],
        ['an unsafe timestamp', makeLedgerEvent({ timestamp: 2 ** 53 })],
        ['a NaN detail', makeLedgerEvent({ details: { ratio: Number.NaN } })],
        ['an infinite detail', makeLedgerEvent({ details: { ratio: Number.POSITIVE_INFINITY } })],
        ['a nested detail', makeLedgerEvent({ details: { nested: {} } as unknown as LedgerEvent['details'] })],
        ['an array detail', makeLedgerEvent({ details: { list: [1] } as unknown as LedgerEvent['details'] })],
        ['an undefined detail', makeLedgerEvent({ details: { missing: undefined } as unknown as LedgerEvent['details'] })],
        ['details that are an array', makeLedgerEvent({ details: [] as unknown as LedgerEvent['details'] })],
        ['details that are null', makeLedgerEvent({ details: null as unknown as LedgerEvent['details'] })],
      ];

      it.each(invalid)('rejects %s with a RangeError and stores nothing of the batch', async (_name, bad) => {
        const good = makeLedgerEvent({ id: 'alert-good' });

        await expect(store.appendEvents([good, bad])).rejects.toThrow(RangeError);

        expect(await store.listEvents({})).toEqual([]);
      });

      it('names the event and the field', async () => {
        await expect(store.appendEvents([makeLedgerEvent({ id: 'alert-x', subject: '' })])).rejects.toThrow(/"alert-x".*subject/);
        await expect(store.appendEvents([makeLedgerEvent({ id: 'alert-y', details: { ratio: Number.NaN } })])).rejects.toThrow(
          /"alert-y".*details\.ratio/,
        );
      });
    });

    describe('listEvents filters', () => {
      const at = (id: string, timestamp: number, kind = 'budget.threshold'): LedgerEvent => makeLedgerEvent({ id, timestamp, kind });
      const events = [at('b', 2_000), at('a', 2_000), at('c', 1_000, 'key.revoked'), at('d', 3_000), at('e', 4_000, 'key.revoked')];

      beforeEach(async () => {
        await store.appendEvents(events);
      });

      it('orders events by timestamp, then id', async () => {
        expect(ids(await store.listEvents({}))).toEqual(['c', 'a', 'b', 'd', 'e']);
      });

      it('treats since as inclusive and until as exclusive', async () => {
        expect(ids(await store.listEvents({ since: 2_000 }))).toEqual(['a', 'b', 'd', 'e']);
        expect(ids(await store.listEvents({ until: 3_000 }))).toEqual(['c', 'a', 'b']);
        expect(ids(await store.listEvents({ since: 2_000, until: 4_000 }))).toEqual(['a', 'b', 'd']);
        expect(ids(await store.listEvents({ since: 1_999.5, until: 2_000.5 }))).toEqual(['a', 'b']);
        expect(await store.listEvents({ since: 4_001 })).toEqual([]);
      });

      it('filters by kind', async () => {
        expect(ids(await store.listEvents({ kind: 'key.revoked' }))).toEqual(['c', 'e']);
        expect(ids(await store.listEvents({ kind: 'budget.threshold', since: 2_500 }))).toEqual(['d']);
        expect(await store.listEvents({ kind: 'missing' })).toEqual([]);
      });

      it('keeps the newest events when more match than the limit, still oldest first', async () => {
        expect(ids(await store.listEvents({ limit: 2 }))).toEqual(['d', 'e']);
        expect(ids(await store.listEvents({ limit: 3 }))).toEqual(['b', 'd', 'e']);
        expect(ids(await store.listEvents({ kind: 'budget.threshold', limit: 2 }))).toEqual(['b', 'd']);
        expect(ids(await store.listEvents({ until: 3_000, limit: 1 }))).toEqual(['b']);
        expect(await store.listEvents({ limit: 0 })).toEqual([]);
      });

      it('rejects a bad query with a RangeError', async () => {
        await expect(store.listEvents({ limit: -1 })).rejects.toThrow(RangeError);
        await expect(store.listEvents({ limit: 1.5 })).rejects.toThrow(RangeError);
        await expect(store.listEvents({ limit: 10_001 })).rejects.toThrow(RangeError);
        await expect(store.listEvents({ since: Number.NaN })).rejects.toThrow(RangeError);
        await expect(store.listEvents({ until: Number.POSITIVE_INFINITY })).rejects.toThrow(RangeError);
        await expect(store.listEvents({ kind: '' })).rejects.toThrow(RangeError);
      });
    });

    describe('listEvents limits', () => {
      it('returns the newest 100 by default and up to 10,000 when asked', async () => {
        const many = Array.from({ length: 150 }, (_, index) => makeLedgerEvent({ id: `alert-${String(index).padStart(3, '0')}`, timestamp: 1_000 + index }));
        await store.appendEvents(many);

        expect(await store.listEvents({})).toEqual(many.slice(50));
        expect(await store.listEvents({ limit: 10_000 })).toEqual(many);
      });
    });
  });
}

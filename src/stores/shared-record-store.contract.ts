import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SharedRecordStore } from './shared-record-store.js';

export interface SharedRecordStoreContractOptions<Value> {
  /** Two different records. Give them fields holding `undefined`: the suite checks those come back. */
  readonly first: Value;
  readonly second: Value;
  /** A fresh, empty store. The suite closes it. */
  readonly createStore: () => SharedRecordStore<Value> | Promise<SharedRecordStore<Value>>;
  /**
   * Another store over the same shared records as `store`, as a second process would open it.
   * In-process stores have no second view and omit it; the suite then skips the tests marked
   * "(shared)" for them.
   */
  readonly openPeer?: (store: SharedRecordStore<Value>) => SharedRecordStore<Value> | Promise<SharedRecordStore<Value>>;
}

/** How long a peer may take to see a write: comfortably more than the poll interval of a test store. */
const peerWaitMs = 3_000;

/** The contract every `SharedRecordStore` passes (memory, Redis). */
export function describeSharedRecordStoreContract<Value>(name: string, options: SharedRecordStoreContractOptions<Value>): void {
  const { first, second } = options;
  const opened: SharedRecordStore<Value>[] = [];
  const sharedIt = options.openPeer === undefined ? it.skip : it;

  async function createStore(): Promise<SharedRecordStore<Value>> {
    const store = await options.createStore();
    opened.push(store);
    return store;
  }

  async function openPeer(store: SharedRecordStore<Value>): Promise<SharedRecordStore<Value>> {
    if (options.openPeer === undefined) throw new Error('openPeer is not given');
    const peer = await options.openPeer(store);
    opened.push(peer);
    return peer;
  }

  describe(`${name} (shared record store contract)`, () => {
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close?.()));
    });

    it('reads nothing for a key it has never stored', async () => {
      const store = await createStore();
      expect(store.read('a')).toBeUndefined();
      expect([...store.entries()]).toEqual([]);
    });

    it('stores what the change returns and reports before and after', async () => {
      const store = await createStore();
      expect(await store.update('a', () => first)).toStrictEqual({ before: undefined, after: first });
      expect(await store.update('a', () => second)).toStrictEqual({ before: first, after: second });
      expect(store.read('a')).toStrictEqual(second);
    });

    it('hands the change the current record', async () => {
      const store = await createStore();
      await store.update('a', () => first);
      const seen: (Value | undefined)[] = [];
      await store.update('a', (current) => {
        seen.push(current);
        return second;
      });
      expect(seen.at(-1)).toStrictEqual(first);
    });

    it('leaves the record alone when the change returns undefined', async () => {
      const store = await createStore();
      await store.update('a', () => first);
      expect(await store.update('a', () => undefined)).toStrictEqual({ before: first, after: first });
      expect(await store.update('b', () => undefined)).toStrictEqual({ before: undefined, after: undefined });
      expect(store.read('a')).toStrictEqual(first);
      expect(store.read('b')).toBeUndefined();
    });

    it('shows an update to the next read in this process before the update settles', async () => {
      const store = await createStore();
      const pending = store.update('a', () => first);
      expect(store.read('a')).toStrictEqual(first);
      await pending;
    });

    it('keeps keys apart and lists every key it holds', async () => {
      const store = await createStore();
      await store.update('a', () => first);
      await store.update('b', () => second);
      expect(store.read('a')).toStrictEqual(first);
      expect(new Map(store.entries())).toStrictEqual(new Map([['a', first], ['b', second]]));
    });

    sharedIt('(shared) shows a peer the records exactly as written, undefined fields included', async () => {
      const store = await createStore();
      await store.update('a', () => first);
      const peer = await openPeer(store);
      await store.update('b', () => second);
      await vi.waitFor(() => {
        expect(peer.read('a')).toStrictEqual(first);
        expect(peer.read('b')).toStrictEqual(second);
      }, { timeout: peerWaitMs });
      expect(new Map(peer.entries())).toStrictEqual(new Map([['a', first], ['b', second]]));
    });

    sharedIt('(shared) runs a change on the shared record even when this replica has not seen it yet', async () => {
      const store = await createStore();
      const peer = await openPeer(store);
      await store.update('a', () => first);
      const seen: (Value | undefined)[] = [];
      const update = await peer.update('a', (current) => {
        seen.push(current);
        return second;
      });
      expect(update).toStrictEqual({ before: first, after: second });
      expect(seen.at(-1)).toStrictEqual(first);
      await vi.waitFor(() => expect(store.read('a')).toStrictEqual(second), { timeout: peerWaitMs });
    });
  });
}

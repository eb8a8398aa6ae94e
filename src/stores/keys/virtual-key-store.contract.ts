import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { generateKeySecret, hashKeySecret, keySecretRandomBytes, type RandomBytes } from './key-secret.js';
import type { NewVirtualKey, VirtualKeyRecord } from './virtual-key.js';
import type { VirtualKeyStore } from './virtual-key-store.js';

/** What a contract run needs: a fresh, empty store and a way to throw it away. */
export interface VirtualKeyStoreUnderTest {
  readonly store: VirtualKeyStore;
  cleanup(): Promise<void>;
}

export interface MakeVirtualKeyStoreOptions {
  readonly clock: Clock;
  readonly random?: RandomBytes;
}

export type MakeVirtualKeyStore = (options: MakeVirtualKeyStoreOptions) => Promise<VirtualKeyStoreUnderTest>;

/** Every 12-character window of a secret: any one of them in stored data would leak beyond the 8-character display prefix. */
export function secretWindows(secret: string): string[] {
  return Array.from({ length: secret.length - 11 }, (_, start) => secret.slice(start, start + 12));
}

export function expectNoSecretIn(text: string, secret: string): void {
  expect(text).not.toContain(secret);
  for (const window of secretWindows(secret)) expect(text).not.toContain(window);
}

export const fullNewKey: NewVirtualKey = {
  name: 'search backend — prod ☃',
  org: 'acme',
  team: 'search',
  user: 'alice@example.com',
  allowedModels: ['smart', 'fast', 'embed-small'],
  tags: { environment: 'prod', 'cost-centre': '42', empty: '' },
  expiresAt: 1_893_456_000_123,
  budgets: [{ period: 'month', limitNanos: 9_007_199_254_740_991, warnAt: [0.5, 0.9] }, { note: 'naïve', nested: { deep: [null, true, false] } }],
  rateLimits: [{ requestsPerMinute: 600 }, 'opaque', 7, null],
};

/**
 * The one contract every `VirtualKeyStore` implementation passes. Call it from the
 * implementation's own `*.test.ts`; `makeStore` must return an empty store each time.
 */
export function describeVirtualKeyStoreContract(name: string, makeStore: MakeVirtualKeyStore): void {
  describe(`VirtualKeyStore contract: ${name}`, () => {
    let now: number;
    const clock: Clock = { now: () => now, monotonic: () => 0 };
    let underTest: VirtualKeyStoreUnderTest;
    let store: VirtualKeyStore;

    beforeEach(async () => {
      now = 1_750_000_000_000;
      underTest = await makeStore({ clock });
      store = underTest.store;
    });

    afterEach(async () => {
      await underTest.cleanup();
    });

    describe('create', () => {
      it('returns a tg- secret and a record holding its hash, display prefix, a vk_ id and the clock time', async () => {
        const { record, secret } = await store.create(fullNewKey);

        expect(secret).toMatch(/^tg-[A-Za-z0-9_-]{40}$/);
        expect(record.hash).toBe(hashKeySecret(secret));
        expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(record.prefix).toBe(secret.slice(3, 11));
        expect(record.id).toMatch(/^vk_[A-Za-z0-9_-]{16}$/);
        expect(record.createdAt).toBe(1_750_000_000_000);
        expect(record.revokedAt).toBeNull();
      });

      it('never stores the secret: neither it nor any part beyond the display prefix appears in any record', async () => {
        const { record, secret } = await store.create(fullNewKey);

        const stored = [record, await store.get(record.id), await store.findByHash(record.hash), await store.list()];
        expectNoSecretIn(JSON.stringify(stored), secret);
        expect(JSON.stringify(stored)).toContain(record.prefix);
      });

      it('fills what the creator left out with null, no tags, no expiry, no budgets and no rate limits', async () => {
        const { record } = await store.create({ allowedModels: null });

        expect(record).toEqual({
          id: record.id,
          hash: record.hash,
          prefix: record.prefix,
          name: null,
          org: null,
          team: null,
          user: null,
          allowedModels: null,
          tags: {},
          expiresAt: null,
          createdAt: 1_750_000_000_000,
          revokedAt: null,
          budgets: [],
          rateLimits: [],
        });
        expect(await store.findByHash(record.hash)).toEqual(record);
      });

      it('gives every key its own secret, hash and id', async () => {
        const created = [];
        for (let index = 0; index < 100; index++) created.push(await store.create({ allowedModels: null, name: `key-${index}` }));

        expect(new Set(created.map(({ secret }) => secret)).size).toBe(100);
        expect(new Set(created.map(({ record }) => record.hash)).size).toBe(100);
        expect(new Set(created.map(({ record }) => record.id)).size).toBe(100);
        for (const { record } of created) expect((await store.findByHash(record.hash))?.name).toBe(record.name);
      });

      it('rejects a key whose hash is already stored and keeps the first', async () => {
        const fixedSecretBytes = randomBytes(keySecretRandomBytes);
        const repeating: RandomBytes = (bytes) => (bytes === keySecretRandomBytes ? Buffer.from(fixedSecretBytes) : randomBytes(bytes));
        const repeatingUnderTest = await makeStore({ clock, random: repeating });
        try {
          const first = await repeatingUnderTest.store.create({ allowedModels: ['smart'], name: 'first' });
          await expect(repeatingUnderTest.store.create({ allowedModels: null, name: 'second' })).rejects.toThrow(/collides/);

          expect(await repeatingUnderTest.store.list()).toEqual([first.record]);
          expect(await repeatingUnderTest.store.findByHash(first.record.hash)).toEqual(first.record);
        } finally {
          await repeatingUnderTest.cleanup();
        }
      });

      it.each<[string, Record<string, unknown>]>([
        ['allowedModels left out', {}],
        ['an empty model name', { allowedModels: ['smart', ''] }],
        ['models not in a list', { allowedModels: 'smart' }],
        ['an empty name', { allowedModels: null, name: '' }],
        ['a numeric org', { allowedModels: null, org: 7 }],
        ['a non-string tag value', { allowedModels: null, tags: { environment: 1 } }],
        ['tags as a list', { allowedModels: null, tags: ['prod'] }],
        ['a fractional expiry', { allowedModels: null, expiresAt: 1.5 }],
        ['a non-finite number in budgets', { allowedModels: null, budgets: [{ limit: Number.NaN }] }],
        ['a function in rate limits', { allowedModels: null, rateLimits: [() => 1] }],
        ['a date in budgets', { allowedModels: null, budgets: [new Date(0)] }],
        ['budgets not in a list', { allowedModels: null, budgets: { limit: 1 } }],
      ])('rejects %s with a RangeError and stores nothing', async (_, key) => {
        await expect(store.create(key as unknown as NewVirtualKey)).rejects.toThrow(RangeError);
        expect(await store.list()).toEqual([]);
      });

      it('keeps what was given at creation, unaffected by later changes to the input or to returned records', async () => {
        const budgets = [{ limit: 1 }];
        const tags: Record<string, string> = { environment: 'prod' };
        const { record } = await store.create({ allowedModels: ['smart'], tags, budgets });
        budgets[0]!.limit = 2;
        tags['environment'] = 'dev';
        const fetched = (await store.get(record.id)) as unknown as { tags: Record<string, string>; allowedModels: string[] };
        fetched.tags['environment'] = 'changed';
        fetched.allowedModels.push('everything');

        expect(await store.get(record.id)).toEqual({ ...record, tags: { environment: 'prod' }, budgets: [{ limit: 1 }], allowedModels: ['smart'] });
      });
    });

    describe('reads', () => {
      it('round-trips every field through findByHash, get and list', async () => {
        now = 1_750_000_000_456;
        const { record } = await store.create(fullNewKey);
        const expected: VirtualKeyRecord = {
          id: record.id,
          hash: record.hash,
          prefix: record.prefix,
          name: 'search backend — prod ☃',
          org: 'acme',
          team: 'search',
          user: 'alice@example.com',
          allowedModels: ['smart', 'fast', 'embed-small'],
          tags: { environment: 'prod', 'cost-centre': '42', empty: '' },
          expiresAt: 1_893_456_000_123,
          createdAt: 1_750_000_000_456,
          revokedAt: null,
          budgets: [{ period: 'month', limitNanos: 9_007_199_254_740_991, warnAt: [0.5, 0.9] }, { note: 'naïve', nested: { deep: [null, true, false] } }],
          rateLimits: [{ requestsPerMinute: 600 }, 'opaque', 7, null],
        };

        expect(record).toEqual(expected);
        expect(await store.findByHash(record.hash)).toEqual(expected);
        expect(await store.get(record.id)).toEqual(expected);
        expect(await store.list()).toEqual([expected]);
      });

      it('keeps an empty allowed-model list apart from null (every model)', async () => {
        const none = await store.create({ allowedModels: [] });
        const every = await store.create({ allowedModels: null });

        expect((await store.get(none.record.id))?.allowedModels).toEqual([]);
        expect((await store.get(every.record.id))?.allowedModels).toBeNull();
      });

      it('returns undefined for an unknown id or hash', async () => {
        await store.create({ allowedModels: null });

        expect(await store.get('vk_missing')).toBeUndefined();
        expect(await store.findByHash(hashKeySecret(generateKeySecret()))).toBeUndefined();
        expect(await store.findByHash('')).toBeUndefined();
      });

      it('lists by createdAt, keys created in the same millisecond in creation order', async () => {
        const createdAt = async (time: number, name: string): Promise<string> => {
          now = time;
          return (await store.create({ allowedModels: null, name })).record.id;
        };
        const late = await createdAt(3_000, 'late');
        const tiedFirst = await createdAt(2_000, 'tied-first');
        const early = await createdAt(1_000, 'early');
        const tiedSecond = await createdAt(2_000, 'tied-second');

        expect((await store.list()).map((record) => record.id)).toEqual([early, tiedFirst, tiedSecond, late]);
      });

      it('lists nothing when empty', async () => {
        expect(await store.list()).toEqual([]);
      });
    });

    describe('revoke', () => {
      it('stamps the time, keeps the first time when repeated, and still finds the key', async () => {
        const { record } = await store.create(fullNewKey);
        const other = await store.create({ allowedModels: null });

        expect(await store.revoke(record.id, 1_760_000_000_000)).toBe(true);
        expect(await store.revoke(record.id, 1_770_000_000_000)).toBe(true);

        expect(await store.findByHash(record.hash)).toEqual({ ...record, revokedAt: 1_760_000_000_000 });
        expect(await store.get(record.id)).toEqual({ ...record, revokedAt: 1_760_000_000_000 });
        expect(await store.get(other.record.id)).toEqual(other.record);
        expect((await store.list()).map((key) => key.revokedAt)).toEqual([1_760_000_000_000, null]);
      });

      it('returns false for an unknown id and changes nothing', async () => {
        const { record } = await store.create({ allowedModels: null });

        expect(await store.revoke('vk_missing', 1_760_000_000_000)).toBe(false);
        expect(await store.list()).toEqual([record]);
      });

      it('rejects a fractional time', async () => {
        const { record } = await store.create({ allowedModels: null });

        await expect(store.revoke(record.id, 1.5)).rejects.toThrow(RangeError);
        expect((await store.get(record.id))?.revokedAt).toBeNull();
      });
    });

    describe('close', () => {
      it('can be called twice and refuses use afterwards', async () => {
        const { record } = await store.create({ allowedModels: null });
        await store.close();
        await store.close();

        await expect(store.create({ allowedModels: null })).rejects.toThrow(/closed/);
        await expect(store.findByHash(record.hash)).rejects.toThrow(/closed/);
        await expect(store.get(record.id)).rejects.toThrow(/closed/);
        await expect(store.list()).rejects.toThrow(/closed/);
        await expect(store.revoke(record.id, 1)).rejects.toThrow(/closed/);
      });
    });
  });
}

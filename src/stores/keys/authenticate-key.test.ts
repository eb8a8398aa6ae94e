import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { authenticateKey, createCachedKeyLookup } from './authenticate-key.js';
import { generateKeySecret, hashKeySecret, keySecretRandomBytes, type RandomBytes } from './key-secret.js';
import { createMemoryVirtualKeyStore } from './memory-virtual-key-store.js';
import type { VirtualKeyRecord } from './virtual-key.js';
import type { VirtualKeyLookup, VirtualKeyStore } from './virtual-key-store.js';

const createdAt = 1_750_000_000_000;

function fakeClock(): Clock & { advance(ms: number): void } {
  let monotonic = 0;
  return {
    now: () => createdAt + monotonic,
    monotonic: () => monotonic,
    advance: (ms) => {
      monotonic += ms;
    },
  };
}

/** A lookup that counts its calls to the store behind it. */
function countingLookup(store: VirtualKeyStore): VirtualKeyLookup & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    findByHash: (hash) => {
      calls.push(hash);
      return store.findByHash(hash);
    },
  };
}

async function storeWithKeys() {
  const store = createMemoryVirtualKeyStore({ clock: fakeClock() });
  const live = await store.create({ allowedModels: ['smart'], name: 'live' });
  const expiring = await store.create({ allowedModels: null, expiresAt: createdAt + 60_000 });
  const revoked = await store.create({ allowedModels: null, expiresAt: createdAt + 60_000 });
  await store.revoke(revoked.record.id, createdAt + 1);
  return { store, live, expiring, revoked };
}

describe('authenticateKey', () => {
  it('accepts a live key and returns its record', async () => {
    const { store, live } = await storeWithKeys();

    expect(await authenticateKey(store, live.secret, createdAt)).toEqual({ ok: true, key: live.record });
  });

  it('calls a well-formed secret that names no key unknown', async () => {
    const { store } = await storeWithKeys();

    expect(await authenticateKey(store, generateKeySecret(), createdAt)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('calls a revoked key revoked, even before it would expire', async () => {
    const { store, revoked } = await storeWithKeys();

    expect(await authenticateKey(store, revoked.secret, createdAt)).toEqual({ ok: false, reason: 'revoked' });
    expect(await authenticateKey(store, revoked.secret, createdAt + 120_000)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('accepts a key until the millisecond before expiresAt and calls it expired from then on', async () => {
    const { store, expiring } = await storeWithKeys();

    expect(await authenticateKey(store, expiring.secret, createdAt + 59_999)).toMatchObject({ ok: true });
    expect(await authenticateKey(store, expiring.secret, createdAt + 60_000)).toEqual({ ok: false, reason: 'expired' });
    expect(await authenticateKey(store, expiring.secret, createdAt + 600_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([undefined, null, 42, {}, '', 'tg-short', 'Bearer tg-', `sk-${'a'.repeat(40)}`, `tg-${'a'.repeat(40)} `])(
    'calls %j malformed without throwing or reading the store',
    async (presented) => {
      const { store } = await storeWithKeys();
      const lookup = countingLookup(store);

      expect(await authenticateKey(lookup, presented, createdAt)).toEqual({ ok: false, reason: 'malformed' });
      expect(lookup.calls).toEqual([]);
    },
  );

  it('looks the key up by the hash of the presented secret', async () => {
    const { store, live } = await storeWithKeys();
    const lookup = countingLookup(store);

    await authenticateKey(lookup, live.secret, createdAt);

    expect(lookup.calls).toEqual([hashKeySecret(live.secret)]);
  });

  it('passes a store failure on as a rejection', async () => {
    const failing: VirtualKeyLookup = { findByHash: () => Promise.reject(new Error('disk I/O error')) };

    await expect(authenticateKey(failing, generateKeySecret(), createdAt)).rejects.toThrow('disk I/O error');
  });
});

describe('createCachedKeyLookup', () => {
  it.each([
    [{ ttlMs: 0, maxEntries: 10 }, /ttlMs/],
    [{ ttlMs: -1, maxEntries: 10 }, /ttlMs/],
    [{ ttlMs: Number.NaN, maxEntries: 10 }, /ttlMs/],
    [{ ttlMs: 1_000, maxEntries: 0 }, /maxEntries/],
    [{ ttlMs: 1_000, maxEntries: 1.5 }, /maxEntries/],
  ])('rejects %j when built', (options, message) => {
    expect(() => createCachedKeyLookup(createMemoryVirtualKeyStore(), { ...options, clock: fakeClock() })).toThrow(message);
  });

  it('serves a found key from memory until ttlMs has passed, then reads the store again', async () => {
    const { store, live } = await storeWithKeys();
    const counted = countingLookup(store);
    const clock = fakeClock();
    const cached = createCachedKeyLookup(counted, { ttlMs: 5_000, maxEntries: 10, clock });

    expect(await cached.findByHash(live.record.hash)).toEqual(live.record);
    clock.advance(4_999);
    expect(await cached.findByHash(live.record.hash)).toEqual(live.record);
    expect(counted.calls).toHaveLength(1);

    clock.advance(1);
    expect(await cached.findByHash(live.record.hash)).toEqual(live.record);
    expect(counted.calls).toHaveLength(2);
  });

  it('sees a revocation made behind its back once ttlMs has passed, not before', async () => {
    const { store, live } = await storeWithKeys();
    const clock = fakeClock();
    const cached = createCachedKeyLookup(store, { ttlMs: 5_000, maxEntries: 10, clock });
    expect(await authenticateKey(cached, live.secret, clock.now())).toMatchObject({ ok: true });

    await store.revoke(live.record.id, clock.now());
    clock.advance(4_000);
    expect(await authenticateKey(cached, live.secret, clock.now())).toMatchObject({ ok: true });
    clock.advance(1_000);
    expect(await authenticateKey(cached, live.secret, clock.now())).toEqual({ ok: false, reason: 'revoked' });
  });

  it('sees a revocation at once after clear()', async () => {
    const { store, live } = await storeWithKeys();
    const cached = createCachedKeyLookup(store, { ttlMs: 60_000, maxEntries: 10, clock: fakeClock() });
    await cached.findByHash(live.record.hash);

    await store.revoke(live.record.id, createdAt + 5);
    cached.clear();

    expect((await cached.findByHash(live.record.hash))?.revokedAt).toBe(createdAt + 5);
  });

  it('expires a cached key exactly at expiresAt, whatever the ttl', async () => {
    const { store, expiring } = await storeWithKeys();
    const cached = createCachedKeyLookup(store, { ttlMs: 3_600_000, maxEntries: 10, clock: fakeClock() });

    expect(await authenticateKey(cached, expiring.secret, createdAt)).toMatchObject({ ok: true });
    expect(await authenticateKey(cached, expiring.secret, createdAt + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('holds at most maxEntries keys, evicting the least recently used', async () => {
    const store = createMemoryVirtualKeyStore({ clock: fakeClock() });
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => store.create({ allowedModels: null })));
    const hashes = { first: first!.record.hash, second: second!.record.hash, third: third!.record.hash };
    const counted = countingLookup(store);
    const cached = createCachedKeyLookup(counted, { ttlMs: 60_000, maxEntries: 2, clock: fakeClock() });

    await cached.findByHash(hashes.first);
    await cached.findByHash(hashes.second);
    await cached.findByHash(hashes.first); // hit: first is now the most recently used
    await cached.findByHash(hashes.third); // evicts second
    expect(counted.calls).toEqual([hashes.first, hashes.second, hashes.third]);

    await cached.findByHash(hashes.first);
    await cached.findByHash(hashes.third);
    expect(counted.calls).toHaveLength(3);
    await cached.findByHash(hashes.second); // evicted, so read again
    expect(counted.calls).toEqual([hashes.first, hashes.second, hashes.third, hashes.second]);
  });

  it('does not cache misses, so a key created after a miss works at once', async () => {
    const clock = fakeClock();
    const knownSecretBytes: RandomBytes = (bytes) => (bytes === keySecretRandomBytes ? Buffer.alloc(bytes, 7) : randomBytes(bytes));
    const store = createMemoryVirtualKeyStore({ clock, random: knownSecretBytes });
    const counted = countingLookup(store);
    const cached = createCachedKeyLookup(counted, { ttlMs: 60_000, maxEntries: 10, clock });
    const hash = hashKeySecret(generateKeySecret(knownSecretBytes));

    expect(await cached.findByHash(hash)).toBeUndefined();
    expect(await cached.findByHash(hash)).toBeUndefined();
    const created = await store.create({ allowedModels: null });
    expect(created.record.hash).toBe(hash);

    expect(await cached.findByHash(hash)).toEqual(created.record);
    expect(counted.calls).toEqual([hash, hash, hash]);
  });

  it('hands out frozen records, so no caller can change what others are served', async () => {
    const { store, live } = await storeWithKeys();
    const cached = createCachedKeyLookup(store, { ttlMs: 60_000, maxEntries: 10, clock: fakeClock() });

    const record = (await cached.findByHash(live.record.hash)) as VirtualKeyRecord;

    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.tags)).toBe(true);
    expect(Object.isFrozen(record.allowedModels)).toBe(true);
    expect(() => (record.allowedModels as string[]).push('everything')).toThrow(TypeError);
    expect((await cached.findByHash(live.record.hash))?.allowedModels).toEqual(['smart']);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTollgateError } from '../../core/errors.js';
import { describeResponseCacheStoreContract } from '../response-cache-store.contract.js';
import { describeCappedResponseCacheStore } from './capped-response-cache-store.contract.js';
import type { CachedResponse, ResponseCacheStore } from '../response-cache-store.js';
import { openSqliteDatabase } from '../sqlite/open-sqlite-database.js';
import { createSqliteResponseCacheStore, openSqliteResponseCacheStore, type OpenSqliteResponseCacheStoreOptions } from './sqlite-response-cache-store.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const TTL = 60_000;

function response(size: number, overrides: Partial<CachedResponse> = {}): CachedResponse {
  return { body: new Uint8Array(size), costNanos: null, servedBy: 'openai/gpt-4o', storedAt: NOW, ...overrides };
}

function textResponse(text: string): CachedResponse {
  return response(0, { body: new Uint8Array(Buffer.from(text)), costNanos: 42 });
}

function textOf(entry: CachedResponse | undefined): string | undefined {
  return entry === undefined ? undefined : Buffer.from(entry.body).toString();
}

async function present(store: ResponseCacheStore, keys: readonly string[], now = NOW): Promise<string[]> {
  const found: string[] = [];
  for (const key of keys) if ((await store.get(key, now)) !== undefined) found.push(key);
  return found;
}

async function rejection(operation: () => Promise<unknown>): Promise<unknown> {
  return operation().then(
    () => undefined,
    (error: unknown) => error,
  );
}

function codeOf(error: unknown): string | undefined {
  return isTollgateError(error) ? error.code : undefined;
}

/** Which of `keys` the file holds, read on a connection of its own so no store notes a use. */
function storedKeys(keys: readonly string[]): string[] {
  const inspector = new Database(path, { readonly: true });
  try {
    const stored = new Set(inspector.prepare('SELECT key FROM response_cache').pluck().all() as string[]);
    return keys.filter((key) => stored.has(key));
  } finally {
    inspector.close();
  }
}

let directory: string;
let path: string;
const opened: ResponseCacheStore[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tollgate-response-cache-'));
  path = join(directory, 'tollgate.db');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  rmSync(directory, { recursive: true, force: true });
});

function open(options: Partial<OpenSqliteResponseCacheStoreOptions> = {}): ResponseCacheStore {
  const store = openSqliteResponseCacheStore({ path, maxEntries: 10_000, maxBytes: 10_000_000, maxEntryBytes: 100_000, ...options });
  opened.push(store);
  return store;
}

describeResponseCacheStoreContract('sqlite store', ({ maxEntryBytes }) => open({ maxEntryBytes }));

describeCappedResponseCacheStore('sqlite', (caps) => open(caps));

describe('sqlite response cache store', () => {
  it('keeps its entries and stats across close and reopen of the same file', async () => {
    const first = open({ maxEntries: 2 });
    await first.set('tenant:a|1', textResponse('{"one":1}'), TTL, NOW);
    await first.set('tenant:a|2', textResponse('{"two":2}'), TTL, NOW);
    await first.set('tenant:a|3', textResponse('{"three":3}'), TTL, NOW);
    const before = first.stats();
    expect(before).toEqual({ entries: 2, bytes: 2 * 'tenant:a|1'.length + '{"two":2}'.length + '{"three":3}'.length, evictions: 1 });
    await first.close();

    const second = open({ maxEntries: 2 });
    expect(second.stats()).toEqual(before);
    expect(await second.get('tenant:a|2', NOW + 1)).toMatchObject({ costNanos: 42, servedBy: 'openai/gpt-4o', storedAt: NOW });
    expect(textOf(await second.get('tenant:a|3', NOW + 1))).toBe('{"three":3}');
    // The use order survived too: 2 was used before 3, so 2 makes room for 4.
    await second.set('tenant:a|4', textResponse('{}'), TTL, NOW + 1);
    expect(await present(second, ['tenant:a|2', 'tenant:a|3', 'tenant:a|4'])).toEqual(['tenant:a|3', 'tenant:a|4']);
    expect(second.stats()).toMatchObject({ entries: 2, evictions: 2 });
  });

  it('shares one file between two connections: each sees the other’s writes, and the caps hold over both', async () => {
    const left = open({ maxEntries: 3 });
    const right = open({ maxEntries: 3 });
    await left.set('tenant:a|k', textResponse('{"from":"left"}'), TTL, NOW);
    expect(textOf(await right.get('tenant:a|k', NOW))).toBe('{"from":"left"}');
    await right.set('tenant:a|k', textResponse('{"from":"right"}'), TTL, NOW);
    expect(textOf(await left.get('tenant:a|k', NOW))).toBe('{"from":"right"}');
    expect(await left.delete('tenant:a|k')).toBe(true);
    expect(await right.get('tenant:a|k', NOW)).toBeUndefined();
    await right.set('tenant:b|k', textResponse('{}'), TTL, NOW);
    await left.set('tenant:c|k', textResponse('{}'), TTL, NOW);
    await right.set('tenant:d|k', textResponse('{}'), TTL, NOW);
    await left.set('tenant:e|k', textResponse('{}'), TTL, NOW);
    expect(left.stats()).toMatchObject({ entries: 3, evictions: 1 });
    const keys = ['tenant:b|k', 'tenant:c|k', 'tenant:d|k', 'tenant:e|k'];
    expect(await present(right, keys)).toEqual(['tenant:c|k', 'tenant:d|k', 'tenant:e|k']);
    expect(await right.deleteByPrefix('tenant:')).toBe(3);
    expect(await present(left, keys)).toEqual([]);
    expect(right.stats()).toMatchObject({ entries: 0, bytes: 0, evictions: 1 });
  });

  it('stays consistent under interleaved gets, sets and deletes from two connections in one process', async () => {
    const left = open({ maxEntries: 150 });
    const right = open({ maxEntries: 150 });
    const keys = Array.from({ length: 300 }, (_, index) => `tenant:t${index % 5}|ns:default|${index}`);
    const outcomes = await Promise.all(
      keys.flatMap((key, index) => {
        const writer = index % 2 === 0 ? left : right;
        const reader = index % 2 === 0 ? right : left;
        return [writer.set(key, textResponse(`{"key":"${key}"}`), TTL, NOW), reader.get(key, NOW), index % 10 === 0 ? reader.delete(key) : Promise.resolve(false)];
      }),
    );
    for (let index = 0; index < keys.length; index += 1) {
      const seen = outcomes[index * 3 + 1] as CachedResponse | undefined;
      if (seen !== undefined) expect(textOf(seen)).toBe(`{"key":"${keys[index]}"}`);
    }
    const inspector = new Database(path, { readonly: true });
    try {
      const actual = inspector.prepare('SELECT count(*) AS entries, coalesce(sum(size), 0) AS bytes FROM response_cache').get();
      const recorded = inspector.prepare('SELECT entries, bytes FROM response_cache_totals').get();
      expect(recorded).toEqual(actual);
      expect((actual as { entries: number }).entries).toBeLessThanOrEqual(150);
      await left.set('tenant:last|0', textResponse('{}'), TTL, NOW);
      expect(left.stats()).toMatchObject(inspector.prepare('SELECT entries, bytes FROM response_cache_totals').get() as object);
    } finally {
      inspector.close();
    }
  });

  it('drops a bounded batch of expired entries, soonest expiry first, on each write', async () => {
    const roomy = open({ maxEntries: 1_000, maxBytes: 1_000_000, maxEntryBytes: 100 });
    for (let index = 0; index < 100; index += 1) await roomy.set(`old|${index}`, response(1), 1_000, NOW);
    await roomy.set('fresh|0', response(1), TTL, NOW + 5_000);
    await roomy.set('fresh|1', response(1), TTL, NOW + 5_000);
    // 32 a write: old|0 … old|63 are gone, old|64 … old|99 (7 bytes each) wait for the next writes.
    expect(roomy.stats()).toEqual({ entries: 36 + 2, bytes: 36 * 7 + 2 * 8, evictions: 0 });
  });

  it('purges by prefix literally, with LIKE and GLOB wildcards and characters outside ASCII in keys', async () => {
    const store = open();
    const keys = ['t:a%|1', 't:a_|2', 't:ab|3', 't:aé|4', 't:aé|5', 't:aéz|6', 't:a😀|7', 't:a\u{10FFFF}\u{10FFFF}|8', 't:a\u{10FFFF}|9', 't:b|10'];
    for (const key of keys) await store.set(key, textResponse(key), TTL, NOW);
    expect(await store.deleteByPrefix('t:a%')).toBe(1);
    expect(await store.deleteByPrefix('t:a_')).toBe(1);
    expect(await store.deleteByPrefix('t:aé|')).toBe(2);
    expect(await store.deleteByPrefix('t:a\u{10FFFF}')).toBe(2);
    expect(await present(store, keys)).toEqual(['t:ab|3', 't:aéz|6', 't:a😀|7', 't:b|10']);
    expect(await store.deleteByPrefix('t:a')).toBe(3);
    expect(store.stats()).toMatchObject({ entries: 1 });
  });

  it('writes the uses of hits on close, and once 256 are waiting, so another connection evicts by them', async () => {
    const keys = Array.from({ length: 300 }, (_, index) => `tenant:a|${index}`);
    const first = open({ maxEntries: 300 });
    for (const key of keys) await first.set(key, response(1), TTL, NOW);
    expect(await first.get(keys[0] as string, NOW)).toBeDefined();
    await first.close();
    const second = open({ maxEntries: 300 });
    await second.set('tenant:b|0', response(1), TTL, NOW);
    // keys[0] was used after the others were stored: keys[1] is the least recently used.
    expect(storedKeys(keys.slice(0, 3))).toEqual([keys[0], keys[2]]);

    const reader = open({ maxEntries: 300 });
    for (const key of keys.slice(2, 258)) expect(await reader.get(key, NOW)).toBeDefined();
    await second.set('tenant:b|1', response(1), TTL, NOW);
    // The reader wrote its 256 uses as the 256th was noted: keys[258], not keys[2], is now the least recently used.
    expect(storedKeys([keys[0], keys[2], keys[258], keys[259]] as string[])).toEqual([keys[0], keys[2], keys[259]]);
  });

  it('rejects every operation with TG_ERR_STORE_UNAVAILABLE once its database is closed, and still refuses oversize entries', async () => {
    const database = openSqliteDatabase({ path });
    const store = createSqliteResponseCacheStore({ database, maxEntries: 10, maxBytes: 1_000, maxEntryBytes: 100 });
    await store.set('k', textResponse('{}'), TTL, NOW);
    database.close();
    const failures = [
      await rejection(() => store.get('k', NOW)),
      await rejection(() => store.set('k', textResponse('{}'), TTL, NOW)),
      await rejection(() => store.delete('k')),
      await rejection(() => store.deleteByPrefix('')),
    ];
    expect(failures.map(codeOf)).toEqual(Array.from({ length: 4 }, () => 'TG_ERR_STORE_UNAVAILABLE'));
    expect(await store.set('k', response(200), TTL, NOW)).toBe(false);
    await expect(store.set('k', textResponse('{}'), 0, NOW)).rejects.toThrow(RangeError);
    expect(store.stats()).toMatchObject({ entries: 1 });
    await store.close();
  });

  it('rejects with TG_ERR_STORE_UNAVAILABLE once closed, and leaves a database it does not own open', async () => {
    const database = openSqliteDatabase({ path });
    try {
      const store = createSqliteResponseCacheStore({ database, maxEntries: 10, maxBytes: 1_000, maxEntryBytes: 100 });
      await store.close();
      await store.close();
      expect(codeOf(await rejection(() => store.get('k', NOW)))).toBe('TG_ERR_STORE_UNAVAILABLE');
      expect(database.open).toBe(true);
    } finally {
      database.close();
    }
  });

  it('rejects a write promptly with TG_ERR_STORE_UNAVAILABLE while another connection holds the lock, and serves hits without waiting for it', async () => {
    const store = open({ busyTimeoutMs: 300 });
    await store.set('a', textResponse('{"a":1}'), TTL, NOW);
    await store.set('b', textResponse('{"b":2}'), TTL, NOW);
    await store.set('short', textResponse('{}'), 1_000, NOW);
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const startedAt = performance.now();
      const error = await rejection(() => store.set('c', textResponse('{}'), TTL, NOW));
      const elapsedMs = performance.now() - startedAt;
      expect(codeOf(error)).toBe('TG_ERR_STORE_UNAVAILABLE');
      expect((error as Error).message).toMatch(/locked|busy/i);
      expect(elapsedMs).toBeGreaterThanOrEqual(250);
      expect(elapsedMs).toBeLessThan(1_000);
      // A hit only reads, so the lock does not hold it up.
      const hitStartedAt = performance.now();
      expect(textOf(await store.get('a', NOW))).toBe('{"a":1}');
      expect(performance.now() - hitStartedAt).toBeLessThan(150);
      // An expired entry is a miss even when it cannot be deleted yet.
      expect(await store.get('short', NOW + 1_000)).toBeUndefined();
      expect(codeOf(await rejection(() => store.delete('b')))).toBe('TG_ERR_STORE_UNAVAILABLE');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(await store.set('c', textResponse('{}'), TTL, NOW + 1_000)).toBe(true);
    expect(store.stats()).toMatchObject({ entries: 3 });
  });
});

import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { describeVirtualKeyStoreContract, expectNoSecretIn, fullNewKey } from '../keys/virtual-key-store.contract.js';
import { makeLedgerEntry } from '../ledger-entry-fixture.js';
import { openPostgresPool } from './open-postgres-pool.js';
import { createPostgresLedgerStore } from './postgres-ledger-store.js';
import { applyPostgresMigrations } from './postgres-migrations.js';
import { testPostgresSchema, type TestPostgresSchema } from './postgres-test-schema.js';
import { createPostgresVirtualKeyStore, openPostgresVirtualKeyStore } from './postgres-virtual-key-store.js';

const fixedClock: Clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };

describeVirtualKeyStoreContract('postgres', async (options) => {
  const database = testPostgresSchema();
  const store = await openPostgresVirtualKeyStore({ url: database.url, schema: database.schema, ...options });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
});

describe('postgres virtual key store', () => {
  let database: TestPostgresSchema;
  let pool: pg.Pool;

  beforeEach(async () => {
    database = testPostgresSchema();
    pool = await openPostgresPool({ url: database.url, schema: database.schema });
    await applyPostgresMigrations(pool, fixedClock);
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  it('writes no part of the secret beyond its display prefix into the table', async () => {
    const store = createPostgresVirtualKeyStore({ pool, clock: fixedClock });
    const { record, secret } = await store.create(fullNewKey);

    const rows = (await pool.query('SELECT * FROM virtual_keys')).rows as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: record.id, hash: record.hash, prefix: secret.slice(3, 11), user_id: 'alice@example.com' });
    expectNoSecretIn(JSON.stringify(rows), secret);
  });

  it('keeps JSON fields exactly as written, key order included', async () => {
    const store = createPostgresVirtualKeyStore({ pool, clock: fixedClock });
    const { record } = await store.create({ allowedModels: null, tags: { zeta: '1', alpha: '2' }, budgets: [{ b: 1, a: 0.1 }] });

    const text = await pool.query('SELECT tags::text AS tags, budgets::text AS budgets FROM virtual_keys WHERE id = $1', [record.id]);
    expect(text.rows).toEqual([{ tags: '{"zeta":"1","alpha":"2"}', budgets: '[{"b":1,"a":0.1}]' }]);
    expect(Object.keys((await store.get(record.id))!.tags)).toEqual(['zeta', 'alpha']);
  });

  it('keeps keys and revocations across stores on the same schema', async () => {
    const first = createPostgresVirtualKeyStore({ pool, clock: fixedClock });
    const kept = await first.create(fullNewKey);
    const revoked = await first.create({ allowedModels: [], name: 'revoked' });
    await first.revoke(revoked.record.id, 1_760_000_000_000);
    await first.close();

    const second = await openPostgresVirtualKeyStore({ url: database.url, schema: database.schema, clock: fixedClock });
    expect(await second.list()).toEqual([kept.record, { ...revoked.record, revokedAt: 1_760_000_000_000 }]);
    expect(await second.findByHash(kept.record.hash)).toEqual(kept.record);
    await second.close();
  });

  it('shares a pool with the ledger without ending it', async () => {
    const keys = createPostgresVirtualKeyStore({ pool, clock: fixedClock });
    const ledger = createPostgresLedgerStore({ pool });
    const { record } = await keys.create({ allowedModels: null });
    const entry = makeLedgerEntry({ virtualKeyId: record.id });
    await ledger.append([entry]);
    await keys.close();
    await ledger.close();

    expect((await pool.query('SELECT COUNT(*) AS keys FROM virtual_keys')).rows).toEqual([{ keys: 1 }]);
    expect(await createPostgresLedgerStore({ pool }).list({})).toEqual([entry]);
  });

  it('enforces a unique hash and JSON shapes in the table itself', async () => {
    const insert = (id: string, hash: string, tags: string, allowedModels: string | null) =>
      pool.query(
        `INSERT INTO virtual_keys (id, hash, prefix, tags, created_at, budgets, rate_limits, allowed_models) VALUES ($1, $2, 'p', $3, 0, '[]', '[]', $4)`,
        [id, hash, tags, allowedModels],
      );
    await expect(insert('vk_a', 'h1', 'not json', null)).rejects.toThrow(/json/);
    await expect(insert('vk_b', 'h2', '{}', '"smart"')).rejects.toThrow(/check constraint/);
    await insert('vk_c', 'h3', '{}', null);
    await expect(insert('vk_d', 'h3', '{}', null)).rejects.toThrow(/unique/);
  });
});

import type { PostgresMigration } from '../postgres-migrations.js';

/**
 * Virtual keys, mirroring SQLite's (`sqlite/migrations/0002-virtual-keys.ts`): one row per key,
 * found by `hash` (SHA-256 hex of the secret, never the secret) through its unique index.
 * List fields are `json` (kept exactly as written, key order included, unlike `jsonb`);
 * `allowed_models` is NULL when the key may call every model. `creation_order` is the
 * tie-break for keys created in the same millisecond (SQLite's rowid).
 */
export const postgresVirtualKeysMigration: PostgresMigration = {
  version: 2,
  name: 'virtual-keys',
  sql: `
    CREATE TABLE virtual_keys (
      id             text COLLATE "C" NOT NULL PRIMARY KEY,
      hash           text COLLATE "C" NOT NULL UNIQUE,
      prefix         text   NOT NULL,
      name           text,
      org            text,
      team           text,
      user_id        text,
      allowed_models json   CHECK (allowed_models IS NULL OR json_typeof(allowed_models) = 'array'),
      tags           json   NOT NULL CHECK (json_typeof(tags) = 'object'),
      expires_at     bigint,
      created_at     bigint NOT NULL,
      revoked_at     bigint,
      budgets        json   NOT NULL CHECK (json_typeof(budgets) = 'array'),
      rate_limits    json   NOT NULL CHECK (json_typeof(rate_limits) = 'array'),
      creation_order bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX virtual_keys_created_at ON virtual_keys (created_at, creation_order);
  `,
};

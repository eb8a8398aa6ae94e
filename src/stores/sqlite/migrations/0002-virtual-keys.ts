import type { SqliteMigration } from '../sqlite-migrations.js';

/**
 * Virtual keys: one row per key, found by `hash` (SHA-256 hex of the secret, never the secret).
 * List fields are JSON text; `allowed_models` is NULL when the key may call every model.
 * `user_id` holds `VirtualKeyRecord.user` (`user` is reserved in PostgreSQL, which will mirror
 * this table). Listing orders by `created_at`, then rowid (creation order); a PostgreSQL mirror
 * needs an identity column for the tie-break.
 */
export const virtualKeysMigration: SqliteMigration = {
  version: 2,
  name: 'virtual-keys',
  sql: `
    CREATE TABLE virtual_keys (
      id             TEXT    NOT NULL PRIMARY KEY,
      hash           TEXT    NOT NULL UNIQUE,
      prefix         TEXT    NOT NULL,
      name           TEXT,
      org            TEXT,
      team           TEXT,
      user_id        TEXT,
      allowed_models TEXT    CHECK (allowed_models IS NULL OR (json_valid(allowed_models) AND json_type(allowed_models) = 'array')),
      tags           TEXT    NOT NULL CHECK (json_valid(tags) AND json_type(tags) = 'object'),
      expires_at     INTEGER,
      created_at     INTEGER NOT NULL,
      revoked_at     INTEGER,
      budgets        TEXT    NOT NULL CHECK (json_valid(budgets) AND json_type(budgets) = 'array'),
      rate_limits    TEXT    NOT NULL CHECK (json_valid(rate_limits) AND json_type(rate_limits) = 'array')
    ) STRICT;
    CREATE INDEX virtual_keys_created_at ON virtual_keys (created_at);
  `,
};

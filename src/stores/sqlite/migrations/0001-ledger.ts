import type { SqliteMigration } from '../sqlite-migrations.js';

/**
 * The ledger: one row per billable attempt, idempotent on (request_id, attempt).
 * Integers are 64-bit (money in nano-dollars, ms timestamps); latencies are REAL because
 * monotonic clocks give fractional milliseconds. `user_id` holds `LedgerEntry.user`
 * (`user` is reserved in PostgreSQL, which will mirror this table).
 */
export const ledgerMigration: SqliteMigration = {
  version: 1,
  name: 'ledger',
  sql: `
    CREATE TABLE ledger (
      request_id            TEXT    NOT NULL,
      attempt               INTEGER NOT NULL,
      timestamp             INTEGER NOT NULL,
      virtual_key_id        TEXT,
      org                   TEXT,
      team                  TEXT,
      user_id               TEXT,
      feature               TEXT,
      endpoint              TEXT    NOT NULL,
      logical_model         TEXT    NOT NULL,
      provider_id           TEXT    NOT NULL,
      upstream_model        TEXT    NOT NULL,
      stream                INTEGER NOT NULL CHECK (stream IN (0, 1)),
      input_tokens          INTEGER,
      cache_read_tokens     INTEGER,
      cache_write_5m_tokens INTEGER,
      cache_write_1h_tokens INTEGER,
      output_tokens         INTEGER,
      reasoning_tokens      INTEGER,
      provider_usage        TEXT,
      cost_nanos            INTEGER,
      price_unknown         INTEGER NOT NULL CHECK (price_unknown IN (0, 1)),
      price_source          TEXT,
      cost_avoided_nanos    INTEGER NOT NULL,
      latency_ms            REAL    NOT NULL,
      ttft_ms               REAL,
      status                TEXT    NOT NULL,
      http_status           INTEGER,
      error_code            TEXT,
      cache_status          TEXT,
      cache_similarity      REAL,
      route                 TEXT,
      route_reason          TEXT,
      warnings              TEXT,
      PRIMARY KEY (request_id, attempt)
    ) STRICT;
    CREATE INDEX ledger_timestamp ON ledger (timestamp);
    CREATE INDEX ledger_logical_model_timestamp ON ledger (logical_model, timestamp);
    CREATE INDEX ledger_user_id_timestamp ON ledger (user_id, timestamp);
    CREATE INDEX ledger_feature_timestamp ON ledger (feature, timestamp);
  `,
};

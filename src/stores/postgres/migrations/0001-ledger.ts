import type { PostgresMigration } from '../postgres-migrations.js';

/**
 * The ledger, mirroring SQLite's (`sqlite/migrations/0001-ledger.ts`): one row per billable
 * attempt, idempotent on (request_id, attempt). Every integer is `bigint`, so the table takes
 * whatever `validateLedgerEntry` accepts (safe integers), as SQLite's 64-bit INTEGER does;
 * latencies and similarity are `double precision` (SQLite's REAL). `provider_usage` stays text:
 * `jsonb` would reformat what the provider sent.
 *
 * The columns the report groups or orders by are `COLLATE "C"`: byte order, as SQLite's BINARY,
 * whatever the database's default collation, so ties break the same way in both stores.
 *
 * Rows are only inserted, never updated (no hot rows). Two indexes: the primary key (the
 * idempotency check) and `timestamp`, which every report query and list window filters on (and
 * which gives the list its order, finished by an incremental sort). Unlike SQLite, no
 * (model | user | feature, timestamp) indexes: on 500k rows the planner used none of them for
 * any report query (grouping sorts the window's rows either way), and they halved insert
 * throughput. Add one with a new migration when a query filters on that key.
 */
export const postgresLedgerMigration: PostgresMigration = {
  version: 1,
  name: 'ledger',
  sql: `
    CREATE TABLE ledger (
      request_id            text COLLATE "C" NOT NULL,
      attempt               bigint           NOT NULL,
      timestamp             bigint           NOT NULL,
      virtual_key_id        text,
      org                   text,
      team                  text,
      user_id               text COLLATE "C",
      feature               text COLLATE "C",
      endpoint              text             NOT NULL,
      logical_model         text COLLATE "C" NOT NULL,
      provider_id           text             NOT NULL,
      upstream_model        text             NOT NULL,
      stream                boolean          NOT NULL,
      input_tokens          bigint,
      cache_read_tokens     bigint,
      cache_write_5m_tokens bigint,
      cache_write_1h_tokens bigint,
      output_tokens         bigint,
      reasoning_tokens      bigint,
      provider_usage        text,
      cost_nanos            bigint,
      price_unknown         boolean          NOT NULL,
      price_source          text,
      cost_avoided_nanos    bigint           NOT NULL,
      latency_ms            double precision NOT NULL,
      ttft_ms               double precision,
      status                text             NOT NULL CHECK (status IN ('ok', 'error', 'aborted')),
      http_status           bigint,
      error_code            text,
      cache_status          text,
      cache_similarity      double precision,
      route                 text,
      route_reason          text,
      warnings              text,
      PRIMARY KEY (request_id, attempt)
    );
    CREATE INDEX ledger_timestamp ON ledger (timestamp);
  `,
};

import type { SqliteMigration } from '../sqlite-migrations.js';

/**
 * The embedded budget counters (see `sqlite-budget-counter-store.ts`). Counters are integers in
 * the budget's unit (nano-dollars, tokens, requests); times are epoch ms. Every expiry column is
 * indexed so lazy sweeps and "when is the next one due" are index seeks, never scans.
 *
 * - `budget_buckets`: one row per (budget_id, window_key), dropped after `retain_until`.
 * - `budget_requests`: one row per request id, either a live reservation (its amounts as JSON
 *   `[[budgetId, windowKey, amount], …]`, lapsing at `expires_at`) or a settled marker
 *   (forgotten at `forget_at`).
 * - `budget_claims`: one-off events claimed once, until `retain_until`.
 */
export const budgetCountersMigration: SqliteMigration = {
  version: 3,
  name: 'budget-counters',
  sql: `
    CREATE TABLE budget_buckets (
      budget_id    TEXT    NOT NULL,
      window_key   TEXT    NOT NULL,
      spent        INTEGER NOT NULL,
      reserved     INTEGER NOT NULL,
      retain_until INTEGER NOT NULL,
      PRIMARY KEY (budget_id, window_key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX budget_buckets_retain_until ON budget_buckets (retain_until);

    CREATE TABLE budget_requests (
      request_id TEXT    NOT NULL PRIMARY KEY,
      state      TEXT    NOT NULL,
      amounts    TEXT,
      expires_at INTEGER,
      forget_at  INTEGER,
      CHECK (
        (state = 'reserved' AND json_valid(amounts) AND expires_at IS NOT NULL AND forget_at IS NULL)
        OR (state = 'settled' AND amounts IS NULL AND expires_at IS NULL AND forget_at IS NOT NULL)
      )
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX budget_requests_expires_at ON budget_requests (expires_at) WHERE expires_at IS NOT NULL;
    CREATE INDEX budget_requests_forget_at ON budget_requests (forget_at) WHERE forget_at IS NOT NULL;

    CREATE TABLE budget_claims (
      claim_key    TEXT    NOT NULL PRIMARY KEY,
      retain_until INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX budget_claims_retain_until ON budget_claims (retain_until);
  `,
};

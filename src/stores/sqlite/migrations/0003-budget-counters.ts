import type { SqliteMigration } from '../sqlite-migrations.js';

/**
 * The embedded budget counters' persisted state (see `sqlite-budget-counter-store.ts`): settled
 * spend per (budget_id, window_key) in the budget's unit (nano-dollars, tokens, requests), and
 * one-off claims (alerts). Times are epoch ms; rows are dropped after `retain_until`.
 */
export const budgetCountersMigration: SqliteMigration = {
  version: 3,
  name: 'budget-counters',
  sql: `
    CREATE TABLE budget_buckets (
      budget_id    TEXT    NOT NULL,
      window_key   TEXT    NOT NULL,
      spent        INTEGER NOT NULL,
      retain_until INTEGER NOT NULL,
      PRIMARY KEY (budget_id, window_key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX budget_buckets_retain_until ON budget_buckets (retain_until);

    CREATE TABLE budget_claims (
      claim_key    TEXT    NOT NULL PRIMARY KEY,
      retain_until INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX budget_claims_retain_until ON budget_claims (retain_until);
  `,
};

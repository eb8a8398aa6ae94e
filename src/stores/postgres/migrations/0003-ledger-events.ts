import type { PostgresMigration } from '../postgres-migrations.js';

/**
 * Ledger events, mirroring SQLite's (`sqlite/migrations/0004-ledger-events.ts`): budget alerts
 * and the like, kept apart from `ledger`, whose rows are billable attempts and feed the report.
 * Idempotent on `id` (the first write wins, through `ON CONFLICT DO NOTHING`); only inserted,
 * never updated. `id` is `COLLATE "C"` (byte order, as SQLite's BINARY), so the (timestamp, id)
 * index gives the list the same order in both stores, read newest first for its LIMIT.
 *
 * `details` is a JSON object as text, as SQLite keeps it: exactly as written, key order included,
 * where `jsonb` would reorder keys and refuse a `\u0000` escape. Cast to `jsonb` to query it.
 */
export const postgresLedgerEventsMigration: PostgresMigration = {
  version: 3,
  name: 'ledger-events',
  sql: `
    CREATE TABLE ledger_events (
      id        text COLLATE "C" NOT NULL PRIMARY KEY,
      timestamp bigint           NOT NULL,
      kind      text             NOT NULL,
      subject   text             NOT NULL,
      details   text             NOT NULL
    );
    CREATE INDEX ledger_events_timestamp_id ON ledger_events (timestamp, id);
  `,
};

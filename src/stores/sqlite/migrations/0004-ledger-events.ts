import type { SqliteMigration } from '../sqlite-migrations.js';

/**
 * Ledger events (`LedgerEvent`, e.g. budget alerts): kept apart from `ledger`, whose rows are
 * billable attempts and feed the report. Idempotent on `id` (the first write wins). `details` is
 * a JSON object as text; `timestamp` is epoch ms. Listing reads the newest first through the
 * (timestamp, id) index, which is also the order it promises.
 */
export const ledgerEventsMigration: SqliteMigration = {
  version: 4,
  name: 'ledger-events',
  sql: `
    CREATE TABLE ledger_events (
      id        TEXT    NOT NULL PRIMARY KEY,
      timestamp INTEGER NOT NULL,
      kind      TEXT    NOT NULL,
      subject   TEXT    NOT NULL,
      details   TEXT    NOT NULL CHECK (json_valid(details) AND json_type(details) = 'object')
    ) STRICT;
    CREATE INDEX ledger_events_timestamp_id ON ledger_events (timestamp, id);
  `,
};

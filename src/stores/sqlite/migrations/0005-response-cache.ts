import type { SqliteMigration } from '../sqlite-migrations.js';

/**
 * The embedded exact response cache (see `cache/sqlite-response-cache-store.ts`): one row per
 * entry in `response_cache`, metadata first and the body last, so reading a row's size or expiry
 * never touches the body's overflow pages. `stored_at` and `expires_at` are epoch ms from the
 * caller's clock, REAL because a clock may give fractional ms and `storedAt` is returned exactly
 * as stored (whole numbers are still written compactly, as integers). A rowid table, not
 * WITHOUT ROWID: bodies are often kilobytes.
 *
 * The use order lives apart, in `response_cache_uses`: a few bytes per entry, so recording uses
 * rewrites a few dense pages rather than the pages holding the bodies (measured: a fifth of the
 * write cost). `last_used` is a sequence, not a time: the newest use is `max(last_used) + 1`, so
 * the order never depends on clocks agreeing. The triggers give every entry its use row (newest
 * at insert), drop it with the entry, and keep `response_cache_totals` (one row: what `stats()`
 * reports) exact through every insert, replacement and delete, from any connection; the store
 * adds its evictions.
 */
export const responseCacheMigration: SqliteMigration = {
  version: 5,
  name: 'response-cache',
  sql: `
    CREATE TABLE response_cache (
      id         INTEGER NOT NULL PRIMARY KEY,
      key        TEXT    NOT NULL UNIQUE,
      cost_nanos INTEGER CHECK (cost_nanos IS NULL OR cost_nanos >= 0),
      served_by  TEXT    NOT NULL,
      stored_at  REAL    NOT NULL,
      expires_at REAL    NOT NULL,
      size       INTEGER NOT NULL CHECK (size >= 0),
      body       BLOB    NOT NULL
    ) STRICT;
    CREATE INDEX response_cache_expires_at ON response_cache (expires_at);

    CREATE TABLE response_cache_uses (
      entry_id  INTEGER NOT NULL PRIMARY KEY,
      last_used INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX response_cache_uses_last_used ON response_cache_uses (last_used);

    CREATE TABLE response_cache_totals (
      id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
      entries   INTEGER NOT NULL,
      bytes     INTEGER NOT NULL,
      evictions INTEGER NOT NULL
    ) STRICT;
    INSERT INTO response_cache_totals (id, entries, bytes, evictions) VALUES (1, 0, 0, 0);

    CREATE TRIGGER response_cache_inserted AFTER INSERT ON response_cache BEGIN
      INSERT INTO response_cache_uses (entry_id, last_used) VALUES (new.id, (SELECT coalesce(max(last_used), 0) + 1 FROM response_cache_uses));
      UPDATE response_cache_totals SET entries = entries + 1, bytes = bytes + new.size WHERE id = 1;
    END;
    CREATE TRIGGER response_cache_deleted AFTER DELETE ON response_cache BEGIN
      DELETE FROM response_cache_uses WHERE entry_id = old.id;
      UPDATE response_cache_totals SET entries = entries - 1, bytes = bytes - old.size WHERE id = 1;
    END;
    CREATE TRIGGER response_cache_resized AFTER UPDATE OF size ON response_cache BEGIN
      UPDATE response_cache_totals SET bytes = bytes - old.size + new.size WHERE id = 1;
    END;
  `,
};

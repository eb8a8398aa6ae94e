import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerEvent, LedgerEventDetail } from '../../core/ledger-event.js';
import type { ResolvedLedgerEventQuery } from '../ledger-query.js';

/** The event half of the SQLite ledger store, over the `ledger_events` table. */
export interface SqliteLedgerEvents {
  /** Inserts validated events in one transaction; an id already stored is skipped. */
  append(events: readonly LedgerEvent[]): void;
  list(query: ResolvedLedgerEventQuery): LedgerEvent[];
}

interface SqliteLedgerEventRow {
  id: string;
  timestamp: number;
  kind: string;
  subject: string;
  details: string;
}

const eventColumns = 'id, timestamp, kind, subject, details';

/** Prepares the statements once; list statements are cached per combination of filters. */
export function createSqliteLedgerEvents(database: BetterSqlite3.Database): SqliteLedgerEvents {
  const insertEvent = database.prepare(`INSERT INTO ledger_events (${eventColumns}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
  const insertBatch = database.transaction((events: readonly LedgerEvent[]) => {
    for (const event of events) insertEvent.run(event.id, event.timestamp, event.kind, event.subject, JSON.stringify(event.details));
  });
  const listStatements = new Map<string, BetterSqlite3.Statement>();

  const listStatement = (query: ResolvedLedgerEventQuery): BetterSqlite3.Statement => {
    const conditions: string[] = [];
    if (query.since !== null) conditions.push('timestamp >= @since');
    if (query.until !== null) conditions.push('timestamp < @until');
    if (query.kind !== null) conditions.push('kind = @kind');
    const cacheKey = conditions.join(' AND ');
    let statement = listStatements.get(cacheKey);
    if (!statement) {
      // Newest first, so LIMIT keeps the newest; `list` turns them back to oldest first.
      statement = database.prepare(
        `SELECT ${eventColumns} FROM ledger_events
         ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY timestamp DESC, id DESC
         LIMIT @limit`,
      );
      listStatements.set(cacheKey, statement);
    }
    return statement;
  };

  return {
    append(events: readonly LedgerEvent[]): void {
      if (events.length > 0) insertBatch(events);
    },

    list(query: ResolvedLedgerEventQuery): LedgerEvent[] {
      const parameters: Record<string, string | number> = { limit: query.limit };
      if (query.since !== null) parameters['since'] = query.since;
      if (query.until !== null) parameters['until'] = query.until;
      if (query.kind !== null) parameters['kind'] = query.kind;
      const rows = listStatement(query).all(parameters) as SqliteLedgerEventRow[];
      return rows.reverse().map(sqliteRowToEvent);
    },
  };
}

function sqliteRowToEvent(row: SqliteLedgerEventRow): LedgerEvent {
  return {
    id: row.id,
    timestamp: row.timestamp,
    kind: row.kind,
    subject: row.subject,
    // Written by `append` from validated details; the column's CHECK admits only JSON objects.
    details: JSON.parse(row.details) as Record<string, LedgerEventDetail>,
  };
}

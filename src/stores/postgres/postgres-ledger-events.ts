import type pg from 'pg';
import type { LedgerEvent, LedgerEventDetail } from '../../core/ledger-event.js';
import type { ResolvedLedgerEventQuery } from '../ledger-query.js';
import { timestampWindow, whereClause, windowConditions } from './postgres-timestamp-window.js';

interface PostgresLedgerEventRow {
  id: string;
  timestamp: number;
  kind: string;
  subject: string;
  details: string;
}

const eventColumns = 'id, timestamp, kind, subject, details';

/**
 * One INSERT for any number of events (a parameter per column, each an array, zipped back into
 * rows by `unnest`), so a call is one atomic statement whatever its size.
 */
const insertEventsSql = `
  INSERT INTO ledger_events (${eventColumns})
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
  ON CONFLICT (id) DO NOTHING`;

/** Inserts validated events in one statement; an id already stored is skipped. */
export async function insertPostgresLedgerEvents(pool: pg.Pool, events: readonly LedgerEvent[]): Promise<void> {
  const rows = firstOfEachIdInIdOrder(events);
  if (rows.length === 0) return;
  await pool.query({
    name: 'tollgate-ledger-events-insert',
    text: insertEventsSql,
    values: [
      rows.map((event) => event.id),
      rows.map((event) => event.timestamp),
      rows.map((event) => event.kind),
      rows.map((event) => event.subject),
      rows.map((event) => JSON.stringify(event.details)),
    ],
  });
}

/** The newest `limit` matching events, returned oldest first. */
export async function selectPostgresLedgerEvents(pool: pg.Pool, query: ResolvedLedgerEventQuery): Promise<LedgerEvent[]> {
  const values: unknown[] = [];
  const conditions = windowConditions(timestampWindow(query), values);
  if (query.kind !== null) conditions.push(`kind = $${values.push(query.kind)}`);
  const result = await pool.query<PostgresLedgerEventRow>(
    `SELECT ${eventColumns} FROM ledger_events ${whereClause(conditions)}
     ORDER BY timestamp DESC, id DESC LIMIT $${values.push(query.limit)}`,
    values,
  );
  return result.rows.reverse().map(postgresRowToEvent);
}

function postgresRowToEvent(row: PostgresLedgerEventRow): LedgerEvent {
  return {
    id: row.id,
    timestamp: row.timestamp,
    kind: row.kind,
    subject: row.subject,
    // Written by `insertPostgresLedgerEvents` from validated details.
    details: JSON.parse(row.details) as Record<string, LedgerEventDetail>,
  };
}

/**
 * The batch without repeated ids (the first of each wins, as the contract asks, rather than
 * whichever row the INSERT meets first), sorted by id: concurrent appends then take their index
 * locks in one order and cannot deadlock on each other.
 */
function firstOfEachIdInIdOrder(events: readonly LedgerEvent[]): LedgerEvent[] {
  const firsts = new Map<string, LedgerEvent>();
  for (const event of events) {
    if (!firsts.has(event.id)) firsts.set(event.id, event);
  }
  return [...firsts.values()].sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}

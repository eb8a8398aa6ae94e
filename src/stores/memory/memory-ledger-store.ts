import type { LedgerEntry } from '../../core/ledger-entry.js';
import type { LedgerEvent } from '../../core/ledger-event.js';
import { resolveLedgerEventQuery, resolveLedgerListQuery, resolveReportQuery } from '../ledger-query.js';
import type { LedgerEventQuery, LedgerListQuery, LedgerReport, LedgerStore, ReportQuery } from '../ledger-store.js';
import { validateLedgerEntry } from '../validate-ledger-entry.js';
import { validateLedgerEvent } from '../validate-ledger-event.js';
import { computeLedgerReport } from './compute-ledger-report.js';

/**
 * A ledger kept in process memory: for tests and for library use without persistence.
 * Rows and events are copied in and out, so callers cannot change stored ones. Unbounded by
 * design: it holds every row and event appended until it is closed.
 */
export function createMemoryLedgerStore(): LedgerStore {
  const rows = new Map<string, LedgerEntry>();
  const events = new Map<string, LedgerEvent>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error('memory ledger store is closed');
  };

  return {
    async append(entries: readonly LedgerEntry[]): Promise<void> {
      ensureOpen();
      for (const entry of entries) validateLedgerEntry(entry);
      for (const entry of entries) {
        const key = rowKey(entry);
        if (!rows.has(key)) rows.set(key, { ...entry });
      }
    },

    async list(query: LedgerListQuery): Promise<LedgerEntry[]> {
      ensureOpen();
      const resolved = resolveLedgerListQuery(query);
      const matching = [...rows.values()]
        .filter(
          (entry) =>
            (resolved.since === null || entry.timestamp >= resolved.since) &&
            (resolved.until === null || entry.timestamp < resolved.until) &&
            (resolved.requestId === null || entry.requestId === resolved.requestId),
        )
        .sort(compareRows);
      const limited = resolved.limit === null ? matching : matching.slice(0, resolved.limit);
      return limited.map((entry) => ({ ...entry }));
    },

    async report(query: ReportQuery): Promise<LedgerReport> {
      ensureOpen();
      return computeLedgerReport(rows.values(), resolveReportQuery(query));
    },

    async appendEvents(batch: readonly LedgerEvent[]): Promise<void> {
      ensureOpen();
      for (const event of batch) validateLedgerEvent(event);
      for (const event of batch) {
        if (!events.has(event.id)) events.set(event.id, copyEvent(event));
      }
    },

    async listEvents(query: LedgerEventQuery): Promise<LedgerEvent[]> {
      ensureOpen();
      const resolved = resolveLedgerEventQuery(query);
      const matching = [...events.values()]
        .filter(
          (event) =>
            (resolved.since === null || event.timestamp >= resolved.since) &&
            (resolved.until === null || event.timestamp < resolved.until) &&
            (resolved.kind === null || event.kind === resolved.kind),
        )
        .sort(compareEvents);
      return matching.slice(Math.max(0, matching.length - resolved.limit)).map(copyEvent);
    },

    async close(): Promise<void> {
      closed = true;
      rows.clear();
      events.clear();
    },
  };
}

function rowKey(entry: LedgerEntry): string {
  return `${entry.attempt}:${entry.requestId}`;
}

/** (timestamp, requestId, attempt), the order `LedgerStore.list` promises. */
function compareRows(left: LedgerEntry, right: LedgerEntry): number {
  if (left.timestamp !== right.timestamp) return left.timestamp - right.timestamp;
  if (left.requestId !== right.requestId) return left.requestId < right.requestId ? -1 : 1;
  return left.attempt - right.attempt;
}

/** (timestamp, id), the order `LedgerStore.listEvents` promises. */
function compareEvents(left: LedgerEvent, right: LedgerEvent): number {
  if (left.timestamp !== right.timestamp) return left.timestamp - right.timestamp;
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}

function copyEvent(event: LedgerEvent): LedgerEvent {
  return { id: event.id, timestamp: event.timestamp, kind: event.kind, subject: event.subject, details: { ...event.details } };
}

import type { LedgerEntry } from '../../core/ledger-entry.js';

/** Where settled attempts go: synchronous and cheap (a bounded queue drains them off the hot path). */
export interface LedgerSink {
  enqueue(entry: LedgerEntry): void;
}

/** A value in `LedgerEvent.details`: flat, JSON-safe, and the same in every store. */
export type LedgerEventDetail = string | number | boolean | null;

/**
 * Something that happened, recorded in the ledger beside the per-attempt rows (`LedgerEntry`)
 * but never mixed with them, so reports keep counting only billable attempts. A budget crossing
 * a threshold is one: `{ kind: 'budget.threshold', subject: <budget id>, details: { … } }`.
 *
 * `id` is the idempotency key: an event appended twice is stored once, the first write winning.
 * Build it from what makes the event unique, not from a random value; an alert's id is built
 * from its budget, window and threshold, so the same alert recorded by three replicas is
 * stored once.
 */
export interface LedgerEvent {
  /** The idempotency key (see above). Non-empty. */
  readonly id: string;
  /** Wall-clock epoch ms when the event happened (a safe integer). */
  readonly timestamp: number;
  /** What happened, dotted and lower-case by convention, e.g. `budget.threshold`. */
  readonly kind: string;
  /** What it happened to, e.g. the budget id. */
  readonly subject: string;
  /** Flat facts about the event; numbers are finite. */
  readonly details: Readonly<Record<string, LedgerEventDetail>>;
}

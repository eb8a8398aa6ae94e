import { randomUUID } from 'node:crypto';

/**
 * Time-ordered request ids (UUID version 7: 48-bit millisecond timestamp, then random bits), so
 * ledger rows land at the end of the (request_id, attempt) index instead of at random pages.
 */
export function createRequestId(nowMs: number): string {
  const time = Math.floor(nowMs).toString(16).padStart(12, '0');
  const random = randomUUID();
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; keep its variant and 74 random bits.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

import { describeSharedRecordStoreContract } from '../../stores/shared-record-store.contract.js';
import { closedRecord, type BreakerRecord } from './breaker-record.js';
import type { CircuitBreakerStore } from './circuit-breaker-store.js';

/**
 * The contract every `CircuitBreakerStore` passes: the shared record store contract, with breaker
 * records (whose `openedAt`, `retryAt` and `probeStartedAt` hold `undefined` while closed) as samples.
 */
export function describeCircuitBreakerStoreContract(name: string, createStore: () => CircuitBreakerStore | Promise<CircuitBreakerStore>): void {
  const first = closedRecord(1, 'first');
  const second: BreakerRecord = { ...closedRecord(2, 'second'), consecutiveConnectErrors: 1 };
  describeSharedRecordStoreContract(`${name} (circuit breaker store)`, { first, second, createStore });
}

import { describeCircuitBreakerStoreContract } from './circuit-breaker-store.contract.js';
import { createMemoryCircuitBreakerStore } from './memory-circuit-breaker-store.js';

describeCircuitBreakerStoreContract('memory store', createMemoryCircuitBreakerStore);

import type { ModelCall } from '../core/model-call.js';

/** A pipeline stage wraps the next call and is again a call. */
export type Stage = (next: ModelCall) => ModelCall;

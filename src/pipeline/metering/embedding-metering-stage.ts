import type { EmbeddingCall } from '../../core/embedding-call.js';
import type { AttemptRecorderOptions } from './attempt-recorder.js';
import { meterAttempt } from './metering-stage.js';

/** Embeddings counterpart of `meteringStage`: one ledger row per attempt, priced like chat. */
export function embeddingMeteringStage(options: AttemptRecorderOptions) {
  return function meteredEmbeddingCall(next: EmbeddingCall): EmbeddingCall {
    return { embed: (request) => meterAttempt(options, request.context, () => next.embed(request)) };
  };
}

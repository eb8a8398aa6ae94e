import type { TollgateError } from '../../core/errors.js';
import type { ModelStream } from '../../core/model-call.js';

/**
 * Passes a stream through and reports how it ended, once: `undefined` for a clean end, the error
 * of an `error` part, or `undefined` when the consumer stopped early (the client went away,
 * which says nothing about the deployment).
 */
export function observeStream(stream: ModelStream, onEnd: (error: TollgateError | undefined) => void): ModelStream {
  return {
    wireFormat: stream.wireFormat,
    async *[Symbol.asyncIterator]() {
      let failure: TollgateError | undefined;
      try {
        for await (const part of stream) {
          if (part.type === 'error') failure = part.error;
          yield part;
        }
      } finally {
        onEnd(failure);
      }
    },
  };
}

import { TollgateError } from '../../core/errors.js';

/** Which limit of a `TimeoutPolicy` passed. */
export type TimeoutLimit = 'ttftMs' | 'idleMs' | 'totalMs';

/** A limit passed while waiting on the upstream: retryable, decided here where the failure happens. */
export function upstreamTimeoutError(limit: TimeoutLimit, limitMs: number, operation: 'generate' | 'stream'): TollgateError {
  return new TollgateError({ code: 'TG_ERR_UPSTREAM_TIMEOUT', message: describe(limit, limitMs, operation), isRetryable: true });
}

function describe(limit: TimeoutLimit, limitMs: number, operation: 'generate' | 'stream'): string {
  switch (limit) {
    case 'ttftMs':
      return operation === 'generate'
        ? `The upstream did not answer within the time-to-first-token limit (ttftMs: ${limitMs} ms); a non-streamed answer shows its first token only when it is complete.`
        : `The upstream sent no content within the time-to-first-token limit (ttftMs: ${limitMs} ms).`;
    case 'idleMs':
      return `The upstream stream sent nothing for longer than the idle limit (idleMs: ${limitMs} ms).`;
    case 'totalMs':
      return `The upstream call ran longer than the total limit (totalMs: ${limitMs} ms).`;
  }
}

import { TollgateError } from '../../core/errors.js';

/** How the resilience layer waits between retries; injected so tests need not wait. */
export type Sleep = (delayMs: number, signal: AbortSignal | undefined) => Promise<void>;

/** Waits `delayMs`, or rejects with `TG_ERR_CLIENT_ABORTED` as soon as the client goes away. */
export const abortableSleep: Sleep = (delayMs, signal) =>
  new Promise((resolve, reject) => {
    const aborted = () => new TollgateError({ code: 'TG_ERR_CLIENT_ABORTED', message: 'The client went away while a retry was waiting.' });
    if (signal?.aborted === true) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

import type { ServerResponse } from 'node:http';

/** A signal that aborts when the client goes away before the response finished. */
export function clientDisconnectSignal(response: ServerResponse): AbortSignal {
  const abort = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  return abort.signal;
}

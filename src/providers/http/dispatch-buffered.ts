import type { Dispatcher } from 'undici';

export interface BufferedResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * Sends one request and collects the whole response with undici's handler API: no Readable
 * stream, no async iterator, one Buffer at the end. For non-streaming calls on the hot path.
 * Rejects with undici's own errors (transport failures, timeouts) or the signal's abort.
 */
export function dispatchBuffered(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal | undefined,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let headers: Readonly<Record<string, string | string[] | undefined>> = {};
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const abortError = () => Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    const onAbort = () => {
      if (controller !== undefined) controller.abort(abortError());
      else finish(abortError());
    };
    const finish = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve({ statusCode, headers, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length) });
    };
    if (signal?.aborted === true) {
      reject(abortError());
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(options, {
      onRequestStart(started) {
        controller = started;
        if (signal?.aborted === true) started.abort(abortError());
      },
      onResponseStart(_controller, status, responseHeaders) {
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
        length += chunk.length;
      },
      onResponseEnd() {
        finish(undefined);
      },
      onResponseError(_controller, error) {
        finish(error);
      },
    });
  });
}

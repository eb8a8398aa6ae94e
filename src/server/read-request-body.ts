import type { IncomingMessage } from 'node:http';
import { TollgateError } from '../core/errors.js';

/**
 * Reads a request body up to `maxBytes`. A larger body is consumed and discarded (so the client
 * can read our 413 instead of a reset connection) up to `discardLimitBytes`, past which the
 * socket is closed.
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number, discardLimitBytes = maxBytes * 16): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    const chunks: Buffer[] = [];
    let length = 0;
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    const tooLargeError = () =>
      new TollgateError({
        code: 'TG_ERR_BODY_TOO_LARGE',
        message: `The request body is larger than the gateway's limit of ${maxBytes} bytes (server.max_body_bytes).`,
      });
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (tooLarge || length > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        if (length > discardLimitBytes) {
          request.removeAllListeners('data');
          request.pause();
          reject(tooLargeError());
        }
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) reject(tooLargeError());
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
    });
    request.on('error', (error) => reject(new TollgateError({ code: 'TG_ERR_CLIENT_ABORTED', message: 'The client aborted the request body.', cause: error })));
  });
}

import type { ServerResponse } from 'node:http';
import { toTollgateError } from '../core/errors.js';

/** Writes an OpenAI-shaped error body with the error's status; a no-op once headers went out. */
export function writeErrorResponse(response: ServerResponse, thrown: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
  if (response.headersSent || response.destroyed) return;
  const error = toTollgateError(thrown);
  const body = JSON.stringify(error.toOpenAIBody());
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-tollgate-error-code': error.code,
  };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  response.writeHead(error.status === 499 ? 400 : error.status, headers);
  response.end(body);
}

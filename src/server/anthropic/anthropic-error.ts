import type { ServerResponse } from 'node:http';
import { toTollgateError, type TollgateError } from '../../core/errors.js';
import type { AnthropicErrorBody, AnthropicErrorType } from './anthropic-wire-types.js';

/**
 * The Anthropic error `type` for an HTTP status, as Anthropic documents them. Overloaded upstreams
 * keep Tollgate's 503 (Anthropic itself sends 529): the OpenAI door answers 503 for the same
 * failure, and every Anthropic SDK retries both.
 */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The status the client sees: a client abort (499, never really sent) becomes 400. */
export function anthropicStatus(error: TollgateError): number {
  return error.status === 499 ? 400 : error.status;
}

export function toAnthropicErrorBody(error: TollgateError, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = { type: 'error', error: { type: anthropicErrorType(anthropicStatus(error)), message: error.message } };
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}

/**
 * Writes an Anthropic-shaped error with the error's status, `x-tollgate-error-code` and, when the
 * upstream said, `retry-after`. A no-op once headers went out.
 */
export function writeAnthropicError(
  response: ServerResponse,
  thrown: unknown,
  requestId: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const error = toTollgateError(thrown);
  const body = JSON.stringify(toAnthropicErrorBody(error, requestId));
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    'request-id': requestId,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-tollgate-error-code': error.code,
  };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  response.writeHead(anthropicStatus(error), headers);
  response.end(body);
}

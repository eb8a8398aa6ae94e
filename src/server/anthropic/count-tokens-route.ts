import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import { readRequestBody } from '../read-request-body.js';
import { createRequestId } from '../request-id.js';
import { writeAnthropicError } from './anthropic-error.js';
import { parseAnthropicRequest } from './anthropic-request-schema.js';
import { estimateInputTokens } from '../../pricing/estimate-input-tokens.js';
import { toChatRequest } from './to-chat-request.js';

export interface CountTokensRouteOptions {
  readonly modelNames: readonly string[];
  readonly clock: Clock;
  readonly maxBodyBytes: number;
}

/**
 * `POST /v1/messages/count_tokens`: `{ input_tokens }` for the request as Tollgate would send it.
 * The count is an ESTIMATE (o200k_base, see `estimateInputTokens`), said so by the header
 * `x-tollgate-token-count: estimate`. No upstream is called and nothing is billed.
 */
export function countTokensRoute(options: CountTokensRouteOptions) {
  const known = new Set(options.modelNames);

  return async function countTokens(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = createRequestId(options.clock.now());
    try {
      const bytes = await readRequestBody(request, options.maxBodyBytes);
      const { body, warnings } = toChatRequest(parseAnthropicRequest(bytes, { requireMaxTokens: false }));
      if (!known.has(body.model)) {
        throw new TollgateError({
          code: 'TG_ERR_UNKNOWN_MODEL',
          message: `The model "${body.model}" does not exist on this gateway. Configured models: ${options.modelNames.slice(0, 20).join(', ')}.`,
          param: 'model',
        });
      }
      const payload = JSON.stringify({ input_tokens: estimateInputTokens(body) });
      const headers: Record<string, string | number> = {
        'x-tollgate-request-id': requestId,
        'request-id': requestId,
        'x-tollgate-token-count': 'estimate',
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      };
      if (warnings.length > 0) headers['x-tollgate-warning'] = warnings.join('; ').replace(/[^\x20-\x7e]/g, '?').slice(0, 1000);
      response.writeHead(200, headers);
      response.end(payload);
    } catch (error) {
      writeAnthropicError(response, error, requestId, { 'x-tollgate-request-id': requestId });
    }
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.js';
import type { EmbeddingCall } from '../../core/embedding-call.js';
import { toTollgateError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createRequestContext, type RequestContext } from '../../core/request-context.js';
import { parseEmbeddingsRequest } from '../embeddings-request-schema.js';
import { readRequestBody } from '../read-request-body.js';
import { createRequestId } from '../request-id.js';
import type { RequestAuthenticator } from '../authenticate-request.js';
import { authenticatedTags } from '../caller-tags.js';
import { clientDisconnectSignal } from '../client-disconnect-signal.js';
import { writeErrorResponse } from '../write-error.js';
import { tollgateHeaders } from './response-headers.js';

export interface EmbeddingsRouteOptions {
  /** Virtual-key authentication; without it requests are attributed by headers only. */
  readonly authenticate?: RequestAuthenticator | undefined;
  readonly embeddings: EmbeddingCall;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

const endpoint = '/v1/embeddings';

/** `POST /v1/embeddings`: OpenAI wire format in and out, priced and ledgered like chat. */
export function embeddingsRoute(options: EmbeddingsRouteOptions) {
  const { clock } = options;
  return async function embeddings(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAtMonotonic = clock.monotonic();
    const requestId = createRequestId(clock.now());
    let context: RequestContext | undefined;
    try {
      const bytes = await readRequestBody(request, options.maxBodyBytes);
      const body = parseEmbeddingsRequest(bytes);
      context = createRequestContext({
        requestId,
        tags: await authenticatedTags(options.authenticate, request.headers, body.model, body.user, endpoint),
        logicalModel: body.model,
        clientFormat: 'openai',
        stream: false,
        receivedAt: clock.now(),
        receivedAtMonotonic,
      });
      const signal = clientDisconnectSignal(response);
      const result = await options.embeddings.embed({ body, rawBody: bytes, context, signal });
      const payload = result.rawBody ?? Buffer.from(JSON.stringify(result.body));
      response.writeHead(200, { ...tollgateHeaders(context, clock), 'content-type': 'application/json', 'content-length': payload.byteLength });
      response.end(payload);
    } catch (error) {
      const failure = toTollgateError(error);
      if (failure.code === 'TG_ERR_INTERNAL') options.logger.error('embeddings failed', { requestId, error: failure.message });
      writeErrorResponse(response, failure, context === undefined ? { 'x-tollgate-request-id': requestId } : tollgateHeaders(context, clock));
    }
  };
}
